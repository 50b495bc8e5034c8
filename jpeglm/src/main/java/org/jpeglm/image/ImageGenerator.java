package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.jpeglm.Session;
import org.jpeglm.bpe.BpeTokenizer;

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
    private final Session session;
    private final BatchEngine engine;
    private final int contextLength;
    private final int maxTokens;
    private GenerationStats stats = new GenerationStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    ImageGenerator(ImageModel model, GeneratorOptions options) {
        this.tokenizer = model.spec().tokenizer();
        TokenTable tokens = new TokenTable(tokenizer, model.model().vocabSize());
        this.options = options;
        this.contextLength = BatchEngine.contextLength(model);
        this.maxTokens = maxTokens(options.maxTokens(), contextLength);
        this.prompts = new ImagePrompts(model.spec(), tokens, contextLength);
        StreamTools tools = StreamTools.of(model, tokens);
        // Last: nothing after it may throw and leak the native context.
        this.session = BatchEngine.newSession(model, options, contextLength);
        this.engine = new BatchEngine(session, options, tools, contextLength, images -> {});
    }

    /** Most tokens generated per image for a limit (0: none) and a context length: the prompt needs one token. */
    static int maxTokens(int limit, int contextLength) {
        return limit > 0 ? Math.min(limit, contextLength - 1) : contextLength - 1;
    }

    public GeneratorOptions options() {
        return options;
    }

    /** Most tokens one image may take (prompt included): the model's context length. */
    public int contextLength() {
        return contextLength;
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
        return run(prompts.completion(images, ratio, options.seed(), session::checkCancelled), previews, listener);
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
    private List<GeneratedImage> run(List<ImageJob> jobs, PreviewPolicy previews, ImageListener listener) {
        EngineRequest request = new EngineRequest(
                jobs,
                options.sampling(),
                options.constrained(),
                maxTokens,
                Objects.requireNonNull(previews, "previews"),
                Objects.requireNonNull(listener, "listener"));
        RunClock clock = new RunClock();
        engine.clock(clock);
        engine.add(request);
        try {
            while (!request.future().isDone()) {
                engine.round(() -> {});
            }
        } catch (RuntimeException | Error e) {
            engine.failAll(e);
            throw e;
        } finally {
            stats = clock.stats();
        }
        return resultOf(request);
    }

    /** The request's images, or what stopped it thrown as it was (a listener's own exception unwrapped). */
    private List<GeneratedImage> resultOf(EngineRequest request) {
        try {
            return request.future().join();
        } catch (CancellationException e) {
            engine.failAll(e); // a listener threw: its images still hold sequences
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        } catch (CompletionException e) {
            engine.failAll(e);
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** The negative log-likelihood of each image under the model (images of another size are fitted first). */
    public List<ImageScore> score(List<BufferedImage> images) {
        Objects.requireNonNull(images, "images");
        List<byte[]> streams = images.stream().map(this::streamOf).toList();
        return scoreStreams(streams);
    }

    /** The negative log-likelihood of abbreviated streams of the model's profile. */
    public List<ImageScore> scoreStreams(List<byte[]> streams) {
        Objects.requireNonNull(streams, "streams");
        List<ImageScore> out = new ArrayList<>();
        int p = options.parallel();
        for (int from = 0; from < streams.size(); from += p) {
            out.addAll(scoreBatch(streams, from, Math.min(streams.size(), from + p)));
        }
        return out;
    }

    /** Scores streams[from, to), one sequence each, in one native call. */
    private List<ImageScore> scoreBatch(List<byte[]> streams, int from, int to) {
        List<int[]> tokens = new ArrayList<>();
        int[] bytes = new int[to - from];
        for (int i = from; i < to; i++) {
            tokens.add(Scoring.tokens(tokenizer, streams.get(i), i, contextLength));
            bytes[i - from] = streams.get(i).length;
        }
        return Scoring.score(session, IntStream.range(0, to - from).toArray(), tokens, bytes);
    }

    /** The abbreviated stream of image under the model's profile and tables (fitted to its size). */
    public byte[] streamOf(BufferedImage image) {
        return prompts.streamOf(image);
    }

    /** Where the time of the last generate or complete request went. */
    public GenerationStats lastStats() {
        return stats;
    }

    /** Stops the request in progress, or the next one, from any thread: it throws CancellationException. */
    public void cancel() {
        session.cancel();
    }

    @Override
    public void close() {
        session.close();
    }
}
