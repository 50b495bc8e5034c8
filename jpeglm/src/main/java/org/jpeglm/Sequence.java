package org.jpeglm;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

/**
 * One sequence of a {@link Session}, for code that works on one sequence at a time: feed a prompt, step, sample,
 * score, generate with a listener or as a stream. Got from {@link Session#sequence(int)}. Every method is built on
 * the session's public, batch-shaped methods (nothing here reaches the native context another way), so it obeys
 * the session's rules: used by the session's one thread at a time, refused after the session closed, stopped by
 * {@link Session#cancel()}.
 *
 * <p>A sequence is used by one thread at a time, like its session: its methods throw
 * {@link IllegalStateException} when another thread is inside it, or when called from its own {@link #generate}
 * listener (the listener may call the session, e.g. to feed another sequence).
 */
public final class Sequence {
    private final Session session;
    private final int seq;
    private final int[] one; // {seq}: the batch of one sequence for step/sample, reused so they allocate nothing
    private final int[] out = new int[1];
    private final SessionGuard guard;
    private int[] sameSeq = new int[0]; // seq repeated, for feed/score; grown when a longer prompt comes

    Sequence(Session session, int seq) {
        this.session = session;
        this.seq = seq;
        this.one = new int[] {seq};
        this.guard = new SessionGuard("sequence " + seq);
    }

    public Session session() {
        return session;
    }

    /** This sequence's number in its session. */
    public int index() {
        return seq;
    }

    /** Sets how this sequence samples; this also restarts its random generator from the seed. */
    public void setSampling(SamplingParams params) {
        try (var _ = guard.enter()) {
            session.setSampling(seq, params);
        }
    }

    /**
     * Lets this sequence sample only the tokens set in allowed until cleared.
     *
     * @throws IllegalArgumentException if allowed holds no token, or one outside the vocabulary
     */
    public void setMask(BitSet allowed) {
        try (var _ = guard.enter()) {
            long[] words = Objects.requireNonNull(allowed, "allowed").toLongArray();
            int needed = (session.vocabSize() + 63) / 64;
            session.setMask(seq, Arrays.copyOf(words, Math.max(words.length, needed)));
        }
    }

    /** Removes this sequence's mask. */
    public void clearMask() {
        try (var _ = guard.enter()) {
            session.clearMask(seq);
        }
    }

    /** Appends tokens (a prompt); afterwards the sequence has the logits of the last one. */
    public void feed(int... tokens) {
        try (var _ = guard.enter()) {
            session.decode(seqsFor(tokens), tokens);
        }
    }

    /** Appends tokens like {@link #feed} and returns their log-likelihoods, see {@link Session#score}. */
    public float[] score(int... tokens) {
        try (var _ = guard.enter()) {
            return session.score(seqsFor(tokens), tokens);
        }
    }

    /** This sequence's number once per token: the sequence ids of a batch of tokens all for it. */
    private int[] seqsFor(int[] tokens) {
        int n = Objects.requireNonNull(tokens, "tokens").length;
        if (sameSeq.length != n) {
            sameSeq = new int[n];
            Arrays.fill(sameSeq, seq);
        }
        return sameSeq;
    }

    /** One generation step: samples a token, appends it, and returns it. */
    public int step() {
        try (var _ = guard.enter()) {
            session.step(one, out);
            return out[0];
        }
    }

    /** Samples the next token without appending it (see {@link Session#decode}). */
    public int sample() {
        try (var _ = guard.enter()) {
            session.sample(one, out);
            return out[0];
        }
    }

    /** A copy of this sequence's current logits (vocabSize floats). */
    public float[] logits() {
        try (var _ = guard.enter()) {
            float[] logits = new float[session.vocabSize()];
            session.logits(seq, logits);
            return logits;
        }
    }

    /** Number of tokens in this sequence. */
    public int length() {
        try (var _ = guard.enter()) {
            return session.length(seq);
        }
    }

    /** Empties this sequence and restarts its sampler from its seed; its mask stays. */
    public void clear() {
        try (var _ = guard.enter()) {
            session.truncate(seq, 0);
            session.setSampling(seq, session.sampling(seq));
        }
    }

    /**
     * Generates up to maxTokens tokens, calling listener with each; generation stops when the listener returns
     * false, at maxTokens, when the context is full, or on {@link Session#cancel()}.
     */
    public Generation generate(int maxTokens, IntPredicate listener) {
        try (var _ = guard.enter()) {
            Objects.requireNonNull(listener, "listener");
            checkMaxTokens(maxTokens);
            int contextLength = session.contextLength();
            int[] tokens = new int[Math.min(maxTokens, 1024)];
            int n = 0;
            Generation.StopReason reason = null;
            while (reason == null) {
                reason = n == maxTokens ? Generation.StopReason.MAX_TOKENS : generationStep(contextLength);
                if (reason == null) {
                    if (n == tokens.length) {
                        tokens = Arrays.copyOf(tokens, Math.min(maxTokens, 2 * n));
                    }
                    tokens[n] = out[0];
                    // The guard stays held while the listener runs: a call from it is refused as re-entry.
                    reason = listener.test(tokens[n++]) ? null : Generation.StopReason.LISTENER;
                }
            }
            return new Generation(Arrays.copyOf(tokens, n), reason);
        }
    }

    /** Steps once into out[0]: null if it made a token, else why the generation stops. */
    private Generation.StopReason generationStep(int contextLength) {
        try {
            session.checkCancelled(); // a cancel comes before a full context, as if it stopped the step
            if (session.length(seq) >= contextLength) {
                return Generation.StopReason.CONTEXT_FULL;
            }
            session.step(one, out);
            return null;
        } catch (CancellationException e) {
            return Generation.StopReason.CANCELLED;
        }
    }

    /**
     * A lazy stream of up to maxTokens generated tokens, one step per element; it ends early when the context is
     * full or on {@link Session#cancel()}. Consume it on the thread that owns the session.
     */
    public IntStream stream(int maxTokens) {
        try (var _ = guard.enter()) {
            checkMaxTokens(maxTokens);
            session.length(seq); // refused now, not at the first element, if the session is closed or busy
        }
        return StreamSupport.intStream(new StepSpliterator(this, session.contextLength(), maxTokens), false);
    }

    private static void checkMaxTokens(int maxTokens) {
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
    }

    /** The one-thread guard, which {@link Session#close()} checks. */
    SessionGuard guard() {
        return guard;
    }

    @Override
    public String toString() {
        return "Sequence[" + seq + " of " + session + "]";
    }
}
