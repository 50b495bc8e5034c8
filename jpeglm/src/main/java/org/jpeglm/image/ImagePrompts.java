package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.Cut;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamPrompts;

/**
 * Turns image requests into {@link StreamJob}s ({@link StreamPrompts}), encoding completion prompts with the jpeg
 * codec, as {@link org.jpeglm.codec.Generator} does: {@link ImageService} gives image i of a request the same prompt
 * and seed as a generator. Thread-safe.
 */
final class ImagePrompts {
    private final Codec<BufferedImage, GeneratedImage> codec;
    private final StreamPrompts prompts;

    ImagePrompts(Codec<BufferedImage, GeneratedImage> codec, StreamPrompts prompts) {
        this.codec = codec;
        this.prompts = prompts;
    }

    /** count images from nothing: the prompt is BOS. */
    List<StreamJob> generation(int count, long seed) {
        return prompts.generation(count, seed);
    }

    /** Each image completed from its first ⌊ratio·MCUs⌋ MCUs. */
    List<StreamJob> completion(List<BufferedImage> images, double ratio, long seed) {
        Objects.requireNonNull(images, "images");
        int mcus = Cut.share(ratio).unitsOf(codec.units());
        List<StreamJob> jobs = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            jobs.add(prompts.completion(i, seed, codec.prompt(i, images.get(i), mcus)));
        }
        return jobs;
    }
}
