package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A llama.cpp context on a {@link Model}: {@link #sequences()} independent token sequences, each with its own
 * KV cache, sampler and logits, stepped together by one native call. Each method is one checked native call,
 * batch-shaped (the sequences it acts on are named per token); {@link #sequence(int)} gives the conveniences for
 * one sequence (feed, step, generate, stream).
 *
 * <p>A session is used by one thread at a time. Every method except {@link #cancel()}, {@link #close()},
 * {@link #isClosed()} and {@link #toString()} throws {@link IllegalStateException}, before it looks at its
 * arguments, when called while another thread is inside the session or after {@link #close()}. {@link #cancel()}
 * may be called from any thread at any time. Every sequence samples greedily until {@link #setSampling} says
 * otherwise.
 */
public final class Session implements AutoCloseable {
    private final Model model;
    private final MemorySegment handle;
    private final Arena arena = Arena.ofShared();
    private final int sequences;
    private final int contextLength;
    private final int vocabSize;
    private final SamplingParams[] sampling;
    private final SessionBuffers buffers;
    private final SampleableCheck sampleable;

    private final Sequence[] views; // made by sequence(q) when first asked for

    private final SessionGuard guard = new SessionGuard("session");
    private final Object lifecycle = new Object(); // orders cancel() against close()
    private final AtomicBoolean cancelRequested = new AtomicBoolean();

    Session(Model model, SessionOptions options) {
        this.model = model;
        MemorySegment modelHandle = model.acquireForSession();
        try {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(jpeglm_session_create(
                    modelHandle,
                    options.contextLength(),
                    options.sequences(),
                    options.batchSize(),
                    options.threads().threads(),
                    options.nativeFlags(),
                    out));
            this.handle = out.get(ValueLayout.ADDRESS, 0);
        } catch (RuntimeException | Error e) {
            arena.close();
            model.releaseSession();
            throw e;
        }
        try {
            applyThreads(options.threads());
            if (options.reservedCpus() > 0) {
                Native.check(jpeglm_session_set_cpu_reserve(handle, options.reservedCpus()));
            }
        } catch (RuntimeException | Error e) {
            jpeglm_session_free(handle);
            arena.close();
            model.releaseSession();
            throw e;
        }
        this.sequences = options.sequences();
        this.contextLength = options.contextLength();
        this.vocabSize = model.vocabSize();
        this.sampling = new SamplingParams[sequences];
        Arrays.fill(sampling, SamplingParams.greedy());
        this.buffers = new SessionBuffers(arena, sequences, vocabSize);
        this.sampleable = new SampleableCheck(sequences, vocabSize);
        this.views = new Sequence[sequences];
    }

    public Model model() {
        try (var _ = guard.enter()) {
            return model;
        }
    }

    /** Sets the settings beyond the count that jpeglm_session_create takes; the pools are made at the first decode. */
    private void applyThreads(ThreadOptions t) {
        if (t.batchThreads() != t.threads() || t.poll() >= 0 || t.cpuMask() != null) {
            applyNative(t.threads(), t.batchThreads(), t.poll(), t.cpuMask());
        }
    }

    /** The native thread settings as given, checked by the native library alone (poll -1, mask null: unchanged). */
    void applyNative(int threads, int threadsBatch, int poll, String cpuMask) {
        try (var _ = guard.enter();
                Arena a = Arena.ofConfined()) {
            Native.check(jpeglm_session_set_threads(handle, threads, threadsBatch));
            if (poll >= 0) {
                Native.check(jpeglm_session_set_poll(handle, poll));
            }
            if (cpuMask != null) {
                Native.check(jpeglm_session_set_cpu_mask(handle, a.allocateFrom(cpuMask)));
            }
        }
    }

    /**
     * The CPU threads this session uses now and how they were chosen (automatic counts change while it runs, see
     * {@link ThreadOptions}).
     */
    public ThreadCounts threads() {
        try (var _ = guard.enter();
                Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(ValueLayout.JAVA_INT, 2);
            MemorySegment why = a.allocate(2048);
            Native.check(
                    jpeglm_session_threads(handle, n, n.asSlice(ValueLayout.JAVA_INT.byteSize()), why, why.byteSize()));
            return new ThreadCounts(
                    n.getAtIndex(ValueLayout.JAVA_INT, 0), n.getAtIndex(ValueLayout.JAVA_INT, 1), why.getString(0));
        }
    }

    /** Number of sequences, numbered 0 .. sequences() - 1. */
    public int sequences() {
        try (var _ = guard.enter()) {
            return sequences;
        }
    }

    /** Tokens each sequence can hold. */
    public int contextLength() {
        try (var _ = guard.enter()) {
            return contextLength;
        }
    }

    public int vocabSize() {
        try (var _ = guard.enter()) {
            return vocabSize;
        }
    }

    /**
     * The one-sequence conveniences (feed, step, generate, stream, ...) of sequence q, built on this session's
     * methods; the same object each time.
     */
    public Sequence sequence(int q) {
        try (var _ = guard.enter()) {
            Sequence view = views[buffers.checkSeq(q)];
            return view != null ? view : (views[q] = new Sequence(this, q));
        }
    }

    // ---- sampling ----------------------------------------------------------------------------------------

    /** Sets how sequence seq samples; this also restarts its random generator from the seed. */
    public void setSampling(int seq, SamplingParams params) {
        try (var _ = guard.enter()) {
            applySampling(buffers.checkSeq(seq), Objects.requireNonNull(params, "params"));
        }
    }

    /** The sampling parameters of sequence seq. */
    public SamplingParams sampling(int seq) {
        try (var _ = guard.enter()) {
            return sampling[buffers.checkSeq(seq)];
        }
    }

    private void applySampling(int seq, SamplingParams p) {
        Native.check(jpeglm_session_set_sampler(handle, seq, p.temperature(), p.topK(), p.topP(), p.minP(), p.seed()));
        sampling[seq] = p;
    }

    /**
     * Lets sequence seq sample only the tokens whose bits are set in words (bit t of words[t / 64]) until changed.
     * No allocation: the form for a mask per step ({@link Sequence#setMask(java.util.BitSet)} takes a BitSet).
     *
     * @throws IllegalArgumentException if words has fewer than ⌈vocabSize / 64⌉ elements, or allows no token, or
     *     one outside the vocabulary (a set bit at or past vocabSize)
     */
    public void setMask(int seq, long[] words) {
        try (var _ = guard.enter()) {
            applyMask(buffers.checkSeq(seq), Objects.requireNonNull(words, "words"));
        }
    }

    /** Removes sequence seq's mask. */
    public void clearMask(int seq) {
        try (var _ = guard.enter()) {
            applyMask(buffers.checkSeq(seq), null);
        }
    }

    /** Sets (words) or clears (null) sequence seq's mask, natively and in the copy sampling checks use. */
    private void applyMask(int seq, long[] words) {
        MemorySegment bytes = words == null ? MemorySegment.NULL : buffers.mask(words);
        Native.check(jpeglm_session_set_mask(handle, seq, bytes, words == null ? 0 : vocabSize));
        sampleable.rememberMask(seq, words);
    }

    // ---- decoding and stepping -------------------------------------------------------------------------

    /**
     * Appends tokens[i] to sequence seqs[i], in order, in as few native evaluations as the batch size allows;
     * afterwards each sequence named has the logits of its last token.
     *
     * @throws JpeglmException {@link ErrorCode#CONTEXT_FULL} if a sequence would outgrow the context
     * @throws CancellationException if {@link #cancel()} stopped it; the call's tokens are then not kept
     */
    public void decode(int[] seqs, int[] tokens) {
        try (var _ = guard.enter()) {
            decodeOrScore(seqs, tokens, false);
        }
    }

    /**
     * Appends tokens[i] to sequence seqs[i] like {@link #decode} and returns the natural log-likelihood of each
     * token given the tokens of its sequence before it, under the model's raw logits (no mask or sampling).
     * Element i is NaN for the first token of a sequence that had no logits yet (e.g. BOS of an empty sequence).
     */
    public float[] score(int[] seqs, int[] tokens) {
        try (var _ = guard.enter()) {
            return decodeOrScore(seqs, tokens, true);
        }
    }

    private float[] decodeOrScore(int[] seqs, int[] tokens, boolean score) {
        int n = buffers.stage(seqs, Objects.requireNonNull(tokens, "tokens"));
        if (!score) {
            call(jpeglm_session_decode(handle, n, buffers.seqs(), buffers.tokens()));
            sampleable.markModelLogits(buffers, n);
            return null;
        }
        MemorySegment out = buffers.scores(n);
        call(jpeglm_session_score(handle, n, buffers.seqs(), buffers.tokens(), out));
        sampleable.markModelLogits(buffers, n);
        return out.asSlice(0, (long) n * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
    }

    /**
     * One generation step of several distinct sequences in one native call: samples a token for each from its
     * logits, then evaluates them together. outTokens[i] receives the token of seqs[i].
     */
    public void step(int[] seqs, int[] outTokens) {
        try (var _ = guard.enter()) {
            stepOrSample(seqs, outTokens, true);
        }
    }

    /** Samples the next token of several distinct sequences without appending them. */
    public void sample(int[] seqs, int[] outTokens) {
        try (var _ = guard.enter()) {
            stepOrSample(seqs, outTokens, false);
        }
    }

    private void stepOrSample(int[] seqs, int[] outTokens, boolean step) {
        Objects.requireNonNull(outTokens, "outTokens");
        int n = buffers.stage(seqs, null);
        if (outTokens.length < n) {
            throw new IllegalArgumentException("outTokens has room for " + outTokens.length + " of " + n + " tokens");
        }
        call(stepOrSample(n, step));
        buffers.tokensTo(outTokens, n);
    }

    /** Steps or samples the n staged sequences; returns the native status. */
    private int stepOrSample(int n, boolean step) {
        sampleable.check(handle, buffers, n);
        if (!step) {
            return jpeglm_session_sample(handle, n, buffers.seqs(), buffers.tokens());
        }
        int status = jpeglm_session_step(handle, n, buffers.seqs(), buffers.tokens());
        if (status == JPEGLM_OK()) {
            sampleable.markModelLogits(buffers, n);
        }
        return status;
    }

    // ---- logits ---------------------------------------------------------------------------------------

    /** Copies sequence seq's current logits into dst (at least vocabSize long). */
    public void logits(int seq, float[] dst) {
        try (var _ = guard.enter()) {
            if (Objects.requireNonNull(dst, "dst").length < vocabSize) {
                throw new IllegalArgumentException("dst has " + dst.length + " floats, the vocabulary " + vocabSize);
            }
            MemorySegment.copy(logitsSegment(seq), ValueLayout.JAVA_FLOAT, 0, dst, 0, vocabSize);
        }
    }

    /**
     * Replaces sequence seq's current logits (e.g. to bias or constrain its next sample). Each value is finite, or
     * {@code -Infinity} to forbid its token. If no token the mask allows keeps a finite logit, the next
     * {@link #step}, {@link #sample} or {@link Sequence#generate} of seq throws {@link JpeglmException} with
     * {@link ErrorCode#STATE} (there is nothing to sample) instead of returning a token.
     *
     * @throws IllegalArgumentException if values is not vocabSize long, or holds a NaN or +Infinity (named by its
     *     index)
     * @throws IllegalStateException if seq has no logits yet
     */
    public void setLogits(int seq, float[] values) {
        try (var _ = guard.enter()) {
            if (Objects.requireNonNull(values, "values").length != vocabSize) {
                throw new IllegalArgumentException(values.length + " logits for a vocabulary of " + vocabSize);
            }
            SampleableCheck.checkLogits(values);
            MemorySegment.copy(values, 0, logitsSegment(seq), ValueLayout.JAVA_FLOAT, 0, vocabSize);
            sampleable.markOutsideLogits(seq);
        }
    }

    private MemorySegment logitsSegment(int seq) {
        MemorySegment p = jpeglm_session_logits(handle, buffers.checkSeq(seq));
        if (p.equals(MemorySegment.NULL)) {
            throw new IllegalStateException(Native.lastError());
        }
        return p.reinterpret((long) vocabSize * Float.BYTES);
    }

    // ---- sequences ------------------------------------------------------------------------------------

    /** Number of tokens in sequence seq. */
    public int length(int seq) {
        try (var _ = guard.enter()) {
            return jpeglm_session_seq_length(handle, buffers.checkSeq(seq));
        }
    }

    /** Keeps the first keep tokens of sequence seq; it has no logits until its next decode. */
    public void truncate(int seq, int keep) {
        try (var _ = guard.enter()) {
            if (keep < 0) {
                throw new IllegalArgumentException("keep must be >= 0, got " + keep);
            }
            Native.check(jpeglm_session_seq_truncate(handle, buffers.checkSeq(seq), keep));
        }
    }

    // ---- state ----------------------------------------------------------------------------------------

    /** Sequence seq's state (its KV cache, length and logits), to {@link #loadState} later. */
    public byte[] saveState(int seq) {
        try (var _ = guard.enter()) {
            return SessionState.save(handle, buffers.checkSeq(seq));
        }
    }

    /** Replaces sequence seq's state with one saved by {@link #saveState} from a session of the same model. */
    public void loadState(int seq, byte[] state) {
        try (var _ = guard.enter()) {
            SessionState.load(handle, buffers.checkSeq(seq), Objects.requireNonNull(state, "state"));
            sampleable.markOutsideLogits(seq); // a state saved after setLogits carries its logits
        }
    }

    // ---- cancellation and lifecycle -------------------------------------------------------------------

    /**
     * Stops the running operation, or the next one if none runs, from any thread: {@link Sequence#generate} then
     * returns with {@link Generation.StopReason#CANCELLED}, {@link #step}/{@link #decode} throw
     * {@link CancellationException}. The request is used up by the operation it stops.
     */
    public void cancel() {
        synchronized (lifecycle) {
            if (!guard.isClosed()) {
                cancelRequested.set(true);
                jpeglm_session_cancel(handle, 1);
            }
        }
    }

    /**
     * Throws CancellationException, using the request up, if {@link #cancel()} was called since the last operation
     * it stopped: for a caller's own long work between native calls (preparing many prompts), which would otherwise
     * not notice a cancel until its next step.
     */
    public void checkCancelled() {
        try (var _ = guard.enter()) {
            if (cancelRequested.get()) {
                consumeCancel();
                throw new CancellationException("cancelled");
            }
        }
    }

    /**
     * Uses up the cancel request that stopped a call. Under the lock cancel() sets both flags under: otherwise a
     * cancel seen by {@link #checkCancelled} before cancel() set the native flag would leave that flag set, and
     * stop the next call.
     */
    private void consumeCancel() {
        synchronized (lifecycle) {
            cancelRequested.set(false);
            jpeglm_session_cancel(handle, 0);
        }
    }

    private void call(int status) {
        if (status == JPEGLM_ERR_CANCELLED()) {
            consumeCancel();
        }
        Native.check(status);
    }

    /** The one-thread guard, for tests that hold the session from another thread. */
    SessionGuard guard() {
        return guard;
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return guard.isClosed();
    }

    /**
     * Frees the session's native context. Closing twice does nothing.
     *
     * @throws IllegalStateException if another thread is using the session or one of its {@link Sequence}s (in a
     *     generate listener, say), or from a generate listener
     */
    @Override
    public void close() {
        if (!guard.enterToClose()) {
            return;
        }
        try {
            for (Sequence view : views) {
                if (view != null) {
                    view.guard().refuseIfInside(); // a generate loop between two steps would find it closed
                }
            }
        } catch (RuntimeException e) {
            guard.close();
            throw e;
        }
        synchronized (lifecycle) {
            guard.markClosed();
            jpeglm_session_free(handle);
        }
        arena.close();
        model.releaseSession();
    }

    @Override
    public String toString() {
        return "Session[" + sequences + " x " + contextLength + " tokens" + (guard.isClosed() ? ", closed" : "") + "]";
    }
}
