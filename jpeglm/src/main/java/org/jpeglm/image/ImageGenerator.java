package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.function.Consumer;
import org.jpeglm.Session;
import org.jpeglm.ThreadCounts;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.RunStats;
import org.jpeglm.codec.Score;

/**
 * Generates, completes and scores images with a Jpeg-LM model: the codec-neutral {@link Generator} over the jpeg
 * codec, with the image API's options and events. It owns one llama.cpp context of
 * {@link GeneratorOptions#parallel()} sequences: that many images are written together, one native step for all of
 * them per token, and when one image ends the next one starts in its sequence (continuous batching) until the
 * request is done. The batching is {@link ImageService}'s, run on the caller's thread for one request at a time.
 *
 * <p>Each image has its own seed, {@code options.seed() + index} mixed, and its sequence's sampler restarts from it,
 * so a request gives the same images on every run with the same options, and with
 * {@link GeneratorOptions#deterministic()} on the CPU the same images from nothing whatever
 * {@link GeneratorOptions#parallel()} (see {@link org.jpeglm.codec.Service} for exactly what a seed guarantees). Used by one
 * thread at a time (like {@link Session}); {@link #cancel()} may be called from any thread.
 */
public final class ImageGenerator implements AutoCloseable {
    private final GeneratorOptions options;
    private final Generator<BufferedImage, GeneratedImage> generator;

    ImageGenerator(Generator<BufferedImage, GeneratedImage> generator, GeneratorOptions options) {
        this.generator = generator;
        this.options = options;
    }

    public GeneratorOptions options() {
        return options;
    }

    /** The codec-neutral generator this one delegates to. */
    public Generator<BufferedImage, GeneratedImage> generator() {
        return generator;
    }

    /** Most tokens one image may take (prompt included): the model's context length. */
    public int contextLength() {
        return generator.contextLength();
    }

    /** count images from nothing (the prompt is BOS), in index order. */
    public List<GeneratedImage> generate(int count) {
        return generator.generate(count);
    }

    /** count images from nothing; listener receives each as soon as it is done (on this thread). */
    public List<GeneratedImage> generate(int count, Consumer<GeneratedImage> listener) {
        return generator.generate(count, listener);
    }

    /**
     * count images from nothing; listener receives the events of each ({@link ImageEvent}: progress, previews as
     * previews allows, the finished image) on this thread.
     */
    public List<GeneratedImage> generate(int count, PreviewPolicy previews, ImageListener listener) {
        return generator.generate(count, previews.previews(), ImageEvents.listener(listener));
    }

    /**
     * Completes each image from its top part: the first ⌊ratio·MCUs⌋ MCUs of its stream (cut on an MCU boundary,
     * as in the paper's evaluation) are the prompt, kept byte for byte, and the model writes the rest. Images of
     * another size are fitted to the model's first.
     */
    public List<GeneratedImage> complete(List<BufferedImage> images, double ratio) {
        return generator.complete(images, Cut.share(ratio));
    }

    /** {@link #complete(List, double)}, with each image passed to listener when done. */
    public List<GeneratedImage> complete(List<BufferedImage> images, double ratio, Consumer<GeneratedImage> listener) {
        return generator.complete(images, Cut.share(ratio), listener);
    }

    /** {@link #complete(List, double)}, with the events of each image passed to listener on this thread. */
    public List<GeneratedImage> complete(
            List<BufferedImage> images, double ratio, PreviewPolicy previews, ImageListener listener) {
        return generator.complete(images, Cut.share(ratio), previews.previews(), ImageEvents.listener(listener));
    }

    /** The negative log-likelihood of each image under the model (images of another size are fitted first). */
    public List<Score> score(List<BufferedImage> images) {
        return generator.score(images);
    }

    /** The negative log-likelihood of abbreviated streams of the model's profile. */
    public List<Score> scoreStreams(List<byte[]> streams) {
        return generator.scoreStreams(streams);
    }

    /** The abbreviated stream of image under the model's profile and tables (fitted to its size). */
    public byte[] streamOf(BufferedImage image) {
        return generator.streamOf(image);
    }

    /** Where the time of the last generate or complete request went. */
    public RunStats lastStats() {
        return generator.lastStats();
    }

    /** The CPU threads this generator's session uses now, and how they were chosen (same thread as generate). */
    public ThreadCounts threads() {
        return generator.threads();
    }

    /** Stops the request in progress, or the next one, from any thread: it throws CancellationException. */
    public void cancel() {
        generator.cancel();
    }

    @Override
    public void close() {
        generator.close();
    }
}
