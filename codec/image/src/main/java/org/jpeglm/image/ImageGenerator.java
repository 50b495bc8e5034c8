package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Consumer;
import org.jpeglm.Session;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.GeneratorView;
import org.jpeglm.codec.Listener;
import org.jpeglm.codec.Previews;

/**
 * Generates, completes and scores images with a Jpeg-LM model: the codec-neutral {@link Generator} over the jpeg
 * codec ({@link GeneratorView}), with completion by share. It owns one llama.cpp context of
 * {@link GenerationOptions#parallel()} sequences: that many images are written together, one native step for all of
 * them per token, and when one image ends the next one starts in its sequence (continuous batching) until the
 * request is done. The batching is {@link org.jpeglm.codec.Service}'s, run on the caller's thread for one request at a
 * time. Events ({@link org.jpeglm.codec.Event}) count MCUs, and a preview's file is a JPEG file
 * ({@link org.jpeglm.jpeg.JpegImages#decode(byte[])} shows it).
 *
 * <p>Each image has its own seed, {@code options.seed() + index} mixed, and its sequence's sampler restarts from it,
 * so a request gives the same images on every run with the same options, and with
 * {@link GenerationOptions#deterministic()} on the CPU the same images from nothing whatever
 * {@link GenerationOptions#parallel()} (see {@link org.jpeglm.codec.Service} for exactly what a seed guarantees). Used
 * by one thread at a time (like {@link Session}); {@link #cancel()} may be called from any thread.
 */
public final class ImageGenerator extends GeneratorView<BufferedImage, GeneratedImage> {
    ImageGenerator(Generator<BufferedImage, GeneratedImage> generator) {
        super(generator);
    }

    /**
     * Completes each image from its top part: the first ⌊ratio·MCUs⌋ MCUs of its stream (cut on an MCU boundary,
     * as in the paper's evaluation) are the prompt, kept byte for byte, and the model writes the rest. Images of
     * another size are fitted to the model's first.
     */
    public List<GeneratedImage> complete(List<BufferedImage> images, double ratio) {
        return generator().complete(images, Cut.share(ratio));
    }

    /** {@link #complete(List, double)}, with each image passed to listener when done. */
    public List<GeneratedImage> complete(List<BufferedImage> images, double ratio, Consumer<GeneratedImage> listener) {
        return generator().complete(images, Cut.share(ratio), listener);
    }

    /**
     * {@link #complete(List, double)}, with the events of each image passed to listener on this thread; previews are
     * paced in MCUs.
     */
    public List<GeneratedImage> complete(
            List<BufferedImage> images, double ratio, Previews previews, Listener<GeneratedImage> listener) {
        return generator().complete(images, Cut.share(ratio), previews, listener);
    }
}
