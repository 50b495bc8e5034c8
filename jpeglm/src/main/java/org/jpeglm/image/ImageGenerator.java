package org.jpeglm.image;

import org.jpeglm.spec.JpegLmSpec;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.jpeg.JpegSyntax;

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
    private final GeneratorOptions options;
    private final Session session;
    private final JpegSyntax syntax;
    private final SyntaxMasks masks;
    private final JpegRepair repair;
    private final JpegEncoder encoder;
    private final int contextLength;
    private final int maxTokens;
    private final byte[][] tokenBytes;
    private GenerationStats stats = new GenerationStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    ImageGenerator(ImageModel model, GeneratorOptions options) {
        this.spec = model.spec();
        this.tokenizer = spec.tokenizer();
        this.options = options;
        this.contextLength = Math.max(16, model.model().trainedContextLength());
        this.maxTokens = options.maxTokens() > 0 ? Math.min(options.maxTokens(), contextLength - 1) : contextLength - 1;
        this.syntax = new JpegSyntax(spec.profile(), spec.tables());
        this.masks = options.constrained() ? new SyntaxMasks(tokenizer, syntax) : null;
        this.repair = new JpegRepair(spec.profile(), spec.tables());
        this.encoder = new JpegEncoder(spec.profile());
        this.tokenBytes = new byte[tokenizer.vocabSize()][];
        for (int id = 0; id < tokenBytes.length; id++) {
            tokenBytes[id] = tokenizer.isSpecial(id) ? new byte[0] : tokenizer.tokenBytes(id);
        }
        this.session = model.model().newSession(SessionOptions.builder().contextLength(contextLength)
                .sequences(options.parallel()).threads(options.threads()).batchSize(options.batchSize()).build());
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
        return generate(count, image -> { });
    }

    /** count images from nothing; listener receives each as soon as it is done (on this thread). */
    public List<GeneratedImage> generate(int count, Consumer<GeneratedImage> listener) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            jobs.add(new Job(i, seedOf(i), new int[] {tokenizer.bosId()}, new byte[0], new byte[0]));
        }
        return run(jobs, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Completes each image from its top part: the first ⌊ratio·MCUs⌋ MCUs of its stream (cut on an MCU boundary,
     * as in the paper's evaluation) are the prompt, kept byte for byte, and the model writes the rest. Images of
     * another size are fitted to the model's first.
     */
    public List<GeneratedImage> complete(List<BufferedImage> images, double ratio) {
        return complete(images, ratio, image -> { });
    }

    /** {@link #complete(List, double)}, with each image passed to listener when done. */
    public List<GeneratedImage> complete(List<BufferedImage> images, double ratio, Consumer<GeneratedImage> listener) {
        Objects.requireNonNull(images, "images");
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            byte[] prefix = JpegStreams.prefix(streamOf(images.get(i)), ratio);
            int[] tokens = tokenizer.encode(prefix, true, false);
            // Token healing: the prompt's last token is taken back and its bytes forced, so the model's first
            // token may be one that spans the cut, as it would have in training.
            int last = tokens.length - 1;
            byte[] forced = last > 0 ? tokenBytes[tokens[last]] : new byte[0];
            int[] prompt = last > 0 ? Arrays.copyOf(tokens, last) : tokens;
            byte[] promptBytes = Arrays.copyOf(prefix, prefix.length - forced.length);
            jobs.add(new Job(i, seedOf(i), prompt, promptBytes, forced));
        }
        return run(jobs, Objects.requireNonNull(listener, "listener"));
    }

    /** The negative log-likelihood of each image under the model (images of another size are fitted first). */
    public List<ImageScore> score(List<BufferedImage> images) {
        Objects.requireNonNull(images, "images");
        List<byte[]> streams = images.stream().map(this::streamOf).toList();
        return scoreStreams(streams);
    }

    /** The negative log-likelihood of abbreviated streams of the model's profile. */
    public List<ImageScore> scoreStreams(List<byte[]> streams) {
        List<ImageScore> out = new ArrayList<>();
        int p = options.parallel();
        for (int from = 0; from < streams.size(); from += p) {
            int to = Math.min(streams.size(), from + p);
            List<int[]> tokens = new ArrayList<>();
            int total = 0;
            for (int i = from; i < to; i++) {
                int[] t = tokenizer.encode(streams.get(i), true, true);
                if (t.length > contextLength) {
                    throw new IllegalArgumentException("image " + i + " takes " + t.length + " tokens, more than the model's context of "
                            + contextLength);
                }
                tokens.add(t);
                total += t.length;
            }
            int[] seqs = new int[total];
            int[] flat = new int[total];
            int at = 0;
            for (int k = 0; k < tokens.size(); k++) {
                session.truncate(k, 0);
                Arrays.fill(seqs, at, at + tokens.get(k).length, k);
                System.arraycopy(tokens.get(k), 0, flat, at, tokens.get(k).length);
                at += tokens.get(k).length;
            }
            float[] logp = session.score(seqs, flat);
            at = 0;
            for (int k = 0; k < tokens.size(); k++) {
                double nats = 0;
                int n = tokens.get(k).length;
                for (int j = at + 1; j < at + n; j++) {
                    nats -= logp[j];
                }
                at += n;
                out.add(new ImageScore(nats / Math.log(2), n - 1, streams.get(from + k).length));
            }
        }
        return out;
    }

    /** The abbreviated stream of image under the model's profile (fitted to its size). */
    public byte[] streamOf(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        BufferedImage fitted = image.getWidth() == spec.profile().width() && image.getHeight() == spec.profile().height()
                ? image : JpegImages.fit(image, spec.profile().width(), spec.profile().height());
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

    /** One image to write: its prompt tokens, the bytes they stand for, and bytes the model must write first. */
    private record Job(int index, long seed, int[] prompt, byte[] promptBytes, byte[] forced) {}

    /** An image being written in one sequence. */
    private final class Slot {
        final Job job;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        JpegSyntax.State state = syntax.start();
        JpegSyntax.State next = syntax.start();  // state after the token fits() last accepted, reused by accept()
        int checked = -1;
        final long started = System.nanoTime();
        int forcedAt;
        int generated;
        int lastByte = -1;
        boolean eoi;

        Slot(Job job) {
            this.job = job;
            append(job.promptBytes());
            state.advance(job.promptBytes(), 0, job.promptBytes().length);
            eoi |= state.isComplete();
        }

        boolean forcing() {
            return forcedAt < job.forced().length;
        }

        /** Whether token keeps this slot's stream valid (EOS exactly when it is complete). */
        boolean fits(int token) {
            if (token == tokenizer.eosId()) {
                return state.isComplete();
            }
            byte[] b = tokenBytes[token];
            if (b.length == 0) {
                return false;  // BOS or another special token
            }
            next.copyFrom(state);
            boolean ok = next.advance(b, 0, b.length);
            checked = ok ? token : -1;
            return ok;
        }

        /** The tokens this slot may sample while its forced bytes last (those bytes, and valid if constrained). */
        long[] allowed() {
            long[] mask = new long[(tokenBytes.length + 63) / 64];
            byte[] forced = job.forced();
            JpegSyntax.State probe = syntax.start();
            for (int id = 0; id < tokenBytes.length; id++) {
                byte[] b = tokenBytes[id];
                if (b.length == 0) {
                    continue;
                }
                int common = Math.min(b.length, forced.length - forcedAt);
                if (!Arrays.equals(b, 0, common, forced, forcedAt, forcedAt + common)) {
                    continue;
                }
                if (masks != null) {
                    probe.copyFrom(state);
                    if (!probe.advance(b, 0, b.length)) {
                        continue;
                    }
                }
                mask[id >>> 6] |= 1L << id;
            }
            return mask;
        }

        /** Takes the sampled token; true when the image is done. */
        boolean accept(int token) {
            generated++;
            if (token == tokenizer.eosId()) {
                return true;
            }
            byte[] b = tokenBytes[token];
            append(b);
            forcedAt = Math.min(job.forced().length, forcedAt + b.length);
            if (checked == token) {
                JpegSyntax.State t = state;  // fits() already advanced a copy: take it instead of advancing again
                state = next;
                next = t;
            } else if (!state.isDead()) {
                state.advance(b, 0, b.length);
            }
            checked = -1;
            eoi |= state.isComplete();
            return eoi || generated >= maxTokens || job.prompt().length + generated >= contextLength;
        }

        /** Appends bytes; an FF D9 pair (EOI) ends the image even in a stream the grammar rejected. */
        private void append(byte[] b) {
            bytes.write(b, 0, b.length);
            for (byte x : b) {
                int v = x & 0xFF;
                eoi |= lastByte == 0xFF && v == 0xD9;
                lastByte = v;
            }
        }

        GeneratedImage finish(int lastToken) {
            byte[] stream = bytes.toByteArray();
            JpegRepair.Result fixed = repair.repair(stream);
            BufferedImage image = JpegImages.decode(fixed.jpeg());
            GeneratedImage.StopReason stop = lastToken == tokenizer.eosId() ? GeneratedImage.StopReason.EOS
                    : eoi ? GeneratedImage.StopReason.EOI : GeneratedImage.StopReason.MAX_TOKENS;
            return new GeneratedImage(job.index(), job.seed(), stream, fixed.jpeg(), image, generated, job.prompt().length,
                    stop, fixed.report(), Duration.ofNanos(System.nanoTime() - started));
        }
    }

    private List<GeneratedImage> run(List<Job> jobs, Consumer<GeneratedImage> listener) {
        int p = options.parallel();
        Deque<Job> pending = new ArrayDeque<>(jobs);
        Slot[] slots = new Slot[p];
        List<GeneratedImage> done = new ArrayList<>(jobs.size());
        int[] seqs = new int[p];
        int[] out = new int[p];
        int[] order = new int[p];
        boolean[] maskSet = new boolean[p];
        long t0 = System.nanoTime();
        long tStep = 0;
        long tPrompt = 0;
        long tMask = 0;
        long tAccept = 0;
        long steps = 0;
        long tokens = 0;
        finishNanos = 0;
        firstImage = 0;
        runStart = t0;
        while (!pending.isEmpty() || Arrays.stream(slots).anyMatch(Objects::nonNull)) {
            long a = System.nanoTime();
            // Start new images in free sequences: every new prompt in one native call.
            List<int[]> promptSeqs = new ArrayList<>();
            for (int q = 0; q < p && !pending.isEmpty(); q++) {
                if (slots[q] == null) {
                    Job job = pending.poll();
                    session.truncate(q, 0);
                    session.setSampling(q, options.sampling().withSeed(job.seed()));
                    slots[q] = new Slot(job);
                    promptSeqs.add(new int[] {q});
                }
            }
            if (!promptSeqs.isEmpty()) {
                int total = 0;
                for (int[] q : promptSeqs) {
                    total += slots[q[0]].job.prompt().length;
                }
                int[] s = new int[total];
                int[] t = new int[total];
                int at = 0;
                for (int[] q : promptSeqs) {
                    int[] prompt = slots[q[0]].job.prompt();
                    Arrays.fill(s, at, at + prompt.length, q[0]);
                    System.arraycopy(prompt, 0, t, at, prompt.length);
                    at += prompt.length;
                }
                session.decode(s, t);
            }
            long b = System.nanoTime();
            tPrompt += b - a;
            // Images whose prompt already ends them (e.g. a ratio of 1) are done before any step.
            int n = 0;
            for (int q = 0; q < p; q++) {
                Slot slot = slots[q];
                if (slot == null) {
                    continue;
                }
                if (slot.eoi && !slot.forcing()) {
                    finish(slots, q, -1, done, listener);
                    continue;
                }
                if (slot.forcing()) {
                    session.setMask(q, slot.allowed());
                    maskSet[q] = true;
                } else if (maskSet[q]) {
                    session.clearMask(q);
                    maskSet[q] = false;
                }
                order[n] = q;
                seqs[n++] = q;
            }
            if (n == 0) {
                continue;
            }
            int[] stepSeqs = n == p ? seqs : Arrays.copyOf(seqs, n);
            long c = System.nanoTime();
            long check = 0;
            if (masks == null) {
                session.step(stepSeqs, out);
            } else {
                // Sample freely, and only where the token would break the stream, sample again under the grammar's
                // mask: the result is the masked distribution, at the price of a mask for the rare bad token.
                session.sample(stepSeqs, out);
                long e = System.nanoTime();
                int[] again = null;
                int redo = 0;
                for (int i = 0; i < n; i++) {
                    Slot slot = slots[order[i]];
                    if (!slot.forcing() && !slot.fits(out[i])) {
                        session.setMask(order[i], masks.allowed(slot.state));
                        maskSet[order[i]] = true;
                        again = again == null ? new int[n] : again;
                        again[redo++] = i;
                    }
                }
                check = System.nanoTime() - e;
                if (redo > 0) {
                    int[] redoSeqs = new int[redo];
                    int[] redoOut = new int[redo];
                    for (int k = 0; k < redo; k++) {
                        redoSeqs[k] = order[again[k]];
                    }
                    session.sample(redoSeqs, redoOut);
                    for (int k = 0; k < redo; k++) {
                        out[again[k]] = redoOut[k];
                    }
                }
                session.decode(stepSeqs, Arrays.copyOf(out, n));
            }
            long d = System.nanoTime();
            tStep -= check;
            tMask += check;
            steps++;
            tokens += n;
            for (int i = 0; i < n; i++) {
                int q = order[i];
                if (slots[q].accept(out[i])) {
                    long f = System.nanoTime();
                    finish(slots, q, out[i], done, listener);
                    tAccept -= System.nanoTime() - f;  // counted as finish time
                }
            }
            tMask += c - b;
            tStep += d - c;
            tAccept += System.nanoTime() - d;
        }
        stats = new GenerationStats(done.size(), tokens, steps, System.nanoTime() - t0, tStep, tPrompt, tMask, tAccept, finishNanos,
                firstImage);
        done.sort(Comparator.comparingInt(GeneratedImage::index));
        return done;
    }

    private long finishNanos;
    private long firstImage;
    private long runStart;

    private void finish(Slot[] slots, int q, int lastToken, List<GeneratedImage> done, Consumer<GeneratedImage> listener) {
        long a = System.nanoTime();
        GeneratedImage image = slots[q].finish(lastToken);
        slots[q] = null;
        done.add(image);
        long b = System.nanoTime();
        finishNanos += b - a;
        if (firstImage == 0) {
            firstImage = b - runStart;
        }
        listener.accept(image);
    }
}
