package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamPrompts;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.spec.JpegLmSpec;

/**
 * Turns image requests into {@link StreamJob}s ({@link StreamPrompts}), encoding completion prompts with the model's
 * profile. Shared by {@link ImageGenerator} and {@link ImageService}, so both give image i of a request the same
 * prompt and seed. Thread-safe.
 */
final class ImagePrompts {
    private final JpegLmSpec spec;
    private final StreamPrompts prompts;
    private final JpegEncoder encoder;

    ImagePrompts(JpegLmSpec spec, StreamPrompts prompts) {
        this.spec = spec;
        this.prompts = prompts;
        // Prompts use the model's tables: a model converted with custom tables has only ever seen streams coded with
        // those, not the IJG tables of its quality.
        this.encoder = new JpegEncoder(spec.profile(), spec.tables());
    }

    /** count images from nothing: the prompt is BOS. */
    List<StreamJob> generation(int count, long seed) {
        return prompts.generation(count, seed);
    }

    /**
     * Each image completed from its first ⌊ratio·MCUs⌋ MCUs; beforeEach runs before each image is prepared (a cancel
     * check: encoding many prompts takes a while).
     */
    List<StreamJob> completion(List<BufferedImage> images, double ratio, long seed, Runnable beforeEach) {
        Objects.requireNonNull(images, "images");
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
        }
        List<StreamJob> jobs = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            beforeEach.run();
            jobs.add(prompts.completion(i, seed, JpegStreams.prefix(streamOf(images.get(i)), ratio)));
        }
        return jobs;
    }

    /** The abbreviated stream of image under the model's profile and tables (fitted to its size). */
    byte[] streamOf(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        BufferedImage fitted = image.getWidth() == spec.profile().width()
                        && image.getHeight() == spec.profile().height()
                ? image
                : JpegImages.fit(image, spec.profile().width(), spec.profile().height());
        return encoder.encode(fitted);
    }
}
