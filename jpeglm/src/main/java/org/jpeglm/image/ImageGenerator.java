package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.jpeg.JpegSyntax;
import org.jpeglm.spec.JpegLmSpec;

/**
 * Generates, completes and scores images with a Jpeg-LM model. It owns one llama.cpp context of
 * {@link GeneratorOptions#parallel()} sequences: that many images are written together, one native step for all of
 * them per token, and when one image ends the next one starts in its sequence (continuous batching) until the
 * request is done.
 *
 * <p>Each image has its own seed, {@code options.seed() + index} mixed, and its sequence's sampler restarts from it,
 * so a request gives the same images on every run with the same options. Used by one thread at a time (like
 * {@link Session}); {@link #cancel()} may be called from any thread.
 */
public final class ImageGenerator implements AutoCloseable {
    private final JpegLmSpec spec;
    private final BpeTokenizer tokenizer;
    private final TokenTable tokens;
    private final GeneratorOptions options;
    private final Session session;
    private final JpegEncoder encoder;
    private final BatchGenerator batch;
    private final int contextLength;
    private GenerationStats stats = new GenerationStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    ImageGenerator(ImageModel model, GeneratorOptions options) {
        this.spec = model.spec();
        this.tokenizer = spec.tokenizer();
        this.tokens = new TokenTable(tokenizer, model.model().vocabSize());
        this.options = options;
        this.contextLength = Math.max(16, model.model().trainedContextLength());
        int maxTokens = options.maxTokens() > 0 ? Math.min(options.maxTokens(), contextLength - 1) : contextLength - 1;
        // Prompts, the grammar and repair all use the model's tables: a model converted with custom tables has
        // only ever seen streams coded with those, not the IJG tables of its quality.
        this.encoder = new JpegEncoder(spec.profile(), spec.tables());
        JpegSyntax syntax = new JpegSyntax(spec.profile(), spec.tables());
        SyntaxMasks masks = new SyntaxMasks(tokenizer, syntax, model.model().vocabSize());
        JpegRepair repair = new JpegRepair(spec.profile(), spec.tables());
        // Last: nothing after it may throw and leak the native context.
        this.session = model.model()
                .newSession(SessionOptions.builder()
                        .contextLength(contextLength)
                        .sequences(options.parallel())
                        .threads(options.threads())
                        .batchSize(options.batchSize())
                        .build());
        this.batch = new BatchGenerator(
                session,
                options.sampling(),
                options.constrained(),
                syntax,
                masks,
                repair,
                tokens,
                maxTokens,
                contextLength);
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
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        List<ImageJob> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(new ImageJob(i, seedOf(i), new int[] {tokenizer.bosId()}, new byte[0], new byte[0]));
        }
        return run(jobs, listener);
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
        Objects.requireNonNull(images, "images");
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
        }
        List<ImageJob> jobs = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            session.checkCancelled(); // encoding many prompts takes a while: a cancel must not wait for all of them
            jobs.add(completionJob(i, JpegStreams.prefix(streamOf(images.get(i)), ratio)));
        }
        return run(jobs, listener);
    }

    /**
     * Token healing: the prompt's last token is taken back and its bytes forced, so the model's first token may be
     * one that spans the cut, as it would have in training.
     */
    private ImageJob completionJob(int index, byte[] prefix) {
        int[] prompt = tokenizer.encode(prefix, true, false);
        int last = prompt.length - 1;
        byte[] forced = last > 0 ? tokens.bytes(prompt[last]) : new byte[0];
        if (last > 0) {
            prompt = Arrays.copyOf(prompt, last);
        }
        if (prompt.length >= contextLength) {
            throw new IllegalArgumentException("image " + index + "'s prompt takes " + prompt.length
                    + " tokens, leaving none of the model's context of " + contextLength);
        }
        return new ImageJob(index, seedOf(index), prompt, Arrays.copyOf(prefix, prefix.length - forced.length), forced);
    }

    private List<GeneratedImage> run(List<ImageJob> jobs, Consumer<GeneratedImage> listener) {
        BatchGenerator.Result result = batch.run(jobs, Objects.requireNonNull(listener, "listener"));
        stats = result.stats();
        return result.images();
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
        List<int[]> batchTokens = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int[] t = tokenizer.encode(streams.get(i), true, true);
            if (t.length > contextLength) {
                throw new IllegalArgumentException("image " + i + " takes " + t.length
                        + " tokens, more than the model's context of " + contextLength);
            }
            batchTokens.add(t);
        }
        int[] ids = IntStream.range(0, to - from).toArray();
        for (int k : ids) {
            session.truncate(k, 0);
        }
        PackedTokens packed = PackedTokens.of(ids, batchTokens);
        float[] logp = session.score(packed.seqs(), packed.tokens());
        List<ImageScore> out = new ArrayList<>();
        for (int k : ids) {
            int start = packed.starts()[k];
            int n = batchTokens.get(k).length;
            double nats = 0;
            for (int j = start + 1; j < start + n; j++) { // BOS has no likelihood: it is given
                nats -= logp[j];
            }
            out.add(new ImageScore(nats / Math.log(2), n - 1, streams.get(from + k).length));
        }
        return out;
    }

    /** The abbreviated stream of image under the model's profile and tables (fitted to its size). */
    public byte[] streamOf(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        BufferedImage fitted = image.getWidth() == spec.profile().width()
                        && image.getHeight() == spec.profile().height()
                ? image
                : JpegImages.fit(image, spec.profile().width(), spec.profile().height());
        return encoder.encode(fitted);
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

    private long seedOf(int index) {
        long z = options.seed() + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
