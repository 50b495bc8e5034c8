package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jpeglm.Session;
import org.jpeglm.ThreadCounts;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.RunStats;
import org.jpeglm.codec.Score;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamRunner;
import org.jpeglm.engine.TokenTable;

/**
 * Generates, completes and scores images with a Jpeg-LM model. It owns one llama.cpp context of
 * {@link GeneratorOptions#parallel()} sequences: that many images are written together, one native step for all of
 * them per token, and when one image ends the next one starts in its sequence (continuous batching) until the
 * request is done. The batching is {@link ImageService}'s, run on the caller's thread for one request at a time.
 *
 * <p>Each image has its own seed, {@code options.seed() + index} mixed, and its sequence's sampler restarts from it,
 * so a request gives the same images on every run with the same options, and with
 * {@link GeneratorOptions#deterministic()} on the CPU the same images from nothing whatever
 * {@link GeneratorOptions#parallel()} (see {@link ImageService} for exactly what a seed guarantees). Used by one
 * thread at a time (like {@link Session}); {@link #cancel()} may be called from any thread.
 */
public final class ImageGenerator implements AutoCloseable {
    private final BpeTokenizer tokenizer;
    private final GeneratorOptions options;
    private final ImagePrompts prompts;
    private final StreamTools tools;
    private final StreamRunner<GeneratedImage> runner;

    ImageGenerator(ImageModel model, GeneratorOptions options) {
        this.tokenizer = model.spec().tokenizer();
        TokenTable tokens = new TokenTable(tokenizer, model.model().vocabSize());
        this.options = options;
        this.tools = StreamTools.of(model, tokens);
        this.runner = new StreamRunner<>(model.model(), tokens, options.generation());
        try { // the prompts take the context the runner computed
            this.prompts = new ImagePrompts(model.spec(), runner.prompts(tokenizer, "image"));
        } catch (RuntimeException | Error e) {
            runner.close(); // nothing may leak the native context
            throw e;
        }
    }

    public GeneratorOptions options() {
        return options;
    }

    /** Most tokens one image may take (prompt included): the model's context length. */
    public int contextLength() {
        return runner.contextLength();
    }

    /** count images from nothing (the prompt is BOS), in index order. */
    public List<GeneratedImage> generate(int count) {
        return generate(count, image -> {});
    }

    /** count images from nothing; listener receives each as soon as it is done (on this thread). */
    public List<GeneratedImage> generate(int count, Consumer<GeneratedImage> listener) {
        return generate(count, PreviewPolicy.none(), finishedOnly(listener));
    }

    /**
     * count images from nothing; listener receives the events of each ({@link ImageEvent}: progress, previews as
     * previews allows, the finished image) on this thread.
     */
    public List<GeneratedImage> generate(int count, PreviewPolicy previews, ImageListener listener) {
        return run(prompts.generation(count, options.seed()), previews, listener);
    }

    /**
     * Completes each image from its top part: the first ⌊ratio·MCUs⌋ MCUs of its stream (cut on an MCU boundary,
     * as in the paper's evaluation) are the prompt, kept byte for byte, and the model writes the rest. Images of
     * another size are fitted to the model's first.
     */
    public List<GeneratedImage> complete(List<BufferedImage> images, double ratio) {
        return complete(images, ratio, image -> {});
    }

    /** {@link #complete(List, double)}, with each image passed to listener when done. */
    public List<GeneratedImage> complete(List<BufferedImage> images, double ratio, Consumer<GeneratedImage> listener) {
        return complete(images, ratio, PreviewPolicy.none(), finishedOnly(listener));
    }

    /** {@link #complete(List, double)}, with the events of each image passed to listener on this thread. */
    public List<GeneratedImage> complete(
            List<BufferedImage> images, double ratio, PreviewPolicy previews, ImageListener listener) {
        // Encoding many prompts takes a while: a cancel must not wait for all of them.
        return run(prompts.completion(images, ratio, options.seed(), runner::checkCancelled), previews, listener);
    }

    private static ImageListener finishedOnly(Consumer<GeneratedImage> listener) {
        Objects.requireNonNull(listener, "listener");
        return event -> {
            if (event instanceof ImageEvent.Finished f) {
                listener.accept(f.image());
            }
        };
    }

    /** Runs one request's jobs to the end on this thread; a listener's exception comes out of here as thrown. */
    private List<GeneratedImage> run(List<StreamJob> jobs, PreviewPolicy previews, ImageListener listener) {
        Objects.requireNonNull(listener, "listener");
        return runner.run(new EngineRequest<>(
                jobs,
                options.sampling(),
                options.constrained(),
                options.maxTokens(),
                tools.writer(previews),
                listener::onEvent,
                ImageEvent.Finished::new));
    }

    /** The negative log-likelihood of each image under the model (images of another size are fitted first). */
    public List<Score> score(List<BufferedImage> images) {
        Objects.requireNonNull(images, "images");
        List<byte[]> streams = images.stream().map(this::streamOf).toList();
        return scoreStreams(streams);
    }

    /** The negative log-likelihood of abbreviated streams of the model's profile. */
    public List<Score> scoreStreams(List<byte[]> streams) {
        Objects.requireNonNull(streams, "streams");
        return runner.score(tokenizer, streams, "image");
    }

    /** The abbreviated stream of image under the model's profile and tables (fitted to its size). */
    public byte[] streamOf(BufferedImage image) {
        return prompts.streamOf(image);
    }

    /** Where the time of the last generate or complete request went. */
    public RunStats lastStats() {
        return runner.lastStats();
    }

    /** The CPU threads this generator's session uses now, and how they were chosen (same thread as generate). */
    public ThreadCounts threads() {
        return runner.threads();
    }

    /** Stops the request in progress, or the next one, from any thread: it throws CancellationException. */
    public void cancel() {
        runner.cancel();
    }

    @Override
    public void close() {
        runner.close();
    }
}
