package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;

/**
 * A llama.cpp context on a {@link Model}: {@link #sequences()} independent token sequences, each with its own
 * KV cache, sampler and logits, stepped together by one native call.
 *
 * <p>A session is used by one thread at a time. A call while another thread is inside the session, a call from
 * inside a {@link #generate} listener, and any call after {@link #close()} throw {@link IllegalStateException};
 * only {@link #cancel()} may be called from any thread at any time. Every sequence samples greedily until
 * {@link #setSampling} says otherwise.
 */
public final class Session implements AutoCloseable {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final Model model;
    private final MemorySegment handle;
    private final Arena arena = Arena.ofShared();
    private final int sequences;
    private final int contextLength;
    private final int vocabSize;
    private final SamplingParams[] sampling;

    // Reused argument buffers of the per-token calls; grown on demand.
    private MemorySegment seqBuffer;
    private MemorySegment tokenBuffer;
    private MemorySegment maskBuffer;

    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private final Object lifecycle = new Object();  // orders cancel() against close()
    private final AtomicBoolean cancelRequested = new AtomicBoolean();
    private volatile boolean closed;

    Session(Model model, SessionOptions options) {
        this.model = model;
        MemorySegment modelHandle = model.acquireForSession();
        int flags = (options.kvUnified() ? JPEGLM_SESSION_KV_UNIFIED() : 0) | switch (options.flashAttention()) {
            case AUTO -> 0;
            case ON -> JPEGLM_SESSION_FLASH_ATTN_ON();
            case OFF -> JPEGLM_SESSION_FLASH_ATTN_OFF();
        } | (options.kvCacheType() == SessionOptions.KvCacheType.F32 ? JPEGLM_SESSION_KV_F32() : 0);
        try {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Native.check(jpeglm_session_create(modelHandle, options.contextLength(), options.sequences(),
                    options.batchSize(), options.threads(), flags, out));
            this.handle = out.get(ValueLayout.ADDRESS, 0);
        } catch (RuntimeException | Error e) {
            arena.close();
            model.releaseSession();
            throw e;
        }
        this.sequences = options.sequences();
        this.contextLength = options.contextLength();
        this.vocabSize = model.vocabSize();
        this.sampling = new SamplingParams[sequences];
        Arrays.fill(sampling, SamplingParams.greedy());
        int capacity = Math.max(sequences, 64);
        this.seqBuffer = arena.allocate(INT, capacity);
        this.tokenBuffer = arena.allocate(INT, capacity);
    }

    public Model model() {
        return model;
    }

    /** Number of sequences, numbered 0 .. sequences() - 1. */
    public int sequences() {
        return sequences;
    }

    /** Tokens each sequence can hold. */
    public int contextLength() {
        return contextLength;
    }

    public int vocabSize() {
        return vocabSize;
    }

    // ---- sampling ----------------------------------------------------------------------------------------

    /** Sets how sequence seq samples; this also restarts its random generator from the seed. */
    public void setSampling(int seq, SamplingParams params) {
        Objects.requireNonNull(params, "params");
        enter();
        try {
            checkSeq(seq);
            applySampling(seq, params);
        } finally {
            exit();
        }
    }

    /** Sets how every sequence samples (same parameters and seed for each). */
    public void setSampling(SamplingParams params) {
        Objects.requireNonNull(params, "params");
        enter();
        try {
            for (int seq = 0; seq < sequences; seq++) {
                applySampling(seq, params);
            }
        } finally {
            exit();
        }
    }

    /** The sampling parameters of sequence seq. */
    public SamplingParams sampling(int seq) {
        checkSeq(seq);
        return sampling[seq];
    }

    private void applySampling(int seq, SamplingParams p) {
        Native.check(jpeglm_session_set_sampler(handle, seq, p.temperature(), p.topK(), p.topP(), p.minP(), p.seed()));
        sampling[seq] = p;
    }

    /** Lets sequence seq sample only the tokens set in allowed (at least one) until cleared. */
    public void setMask(int seq, BitSet allowed) {
        Objects.requireNonNull(allowed, "allowed");
        enter();
        try {
            checkSeq(seq);
            if (allowed.isEmpty() || allowed.nextSetBit(0) >= vocabSize) {
                throw new IllegalArgumentException("the mask allows no token of the vocabulary");
            }
            if (allowed.length() > vocabSize) {
                throw new IllegalArgumentException("the mask allows token " + (allowed.length() - 1)
                        + ", outside the vocabulary of " + vocabSize);
            }
            try (Arena call = Arena.ofConfined()) {
                MemorySegment bytes = call.allocate(vocabSize);
                for (int t = allowed.nextSetBit(0); t >= 0; t = allowed.nextSetBit(t + 1)) {
                    bytes.set(ValueLayout.JAVA_BYTE, t, (byte) 1);
                }
                Native.check(jpeglm_session_set_mask(handle, seq, bytes, vocabSize));
            }
        } finally {
            exit();
        }
    }

    /**
     * Lets sequence seq sample only the tokens whose bits are set in words (bit t of words[t / 64]; at least one
     * token), until changed. The fast form of {@link #setMask(int, BitSet)} for a mask per step: no allocation.
     */
    public void setMask(int seq, long[] words) {
        Objects.requireNonNull(words, "words");
        enter();
        try {
            checkSeq(seq);
            if (words.length < (vocabSize + 63) / 64) {
                throw new IllegalArgumentException("a mask of " + vocabSize + " tokens needs " + (vocabSize + 63) / 64 + " words");
            }
            if (maskBuffer == null) {
                maskBuffer = arena.allocate(vocabSize);
            }
            boolean any = false;
            for (int w = 0; w * 64 < vocabSize; w++) {
                long bits = words[w];
                int n = Math.min(64, vocabSize - w * 64);
                if (n < 64) {
                    bits &= (1L << n) - 1;
                }
                any |= bits != 0;
                for (int b = 0; b < n; b++) {
                    maskBuffer.set(ValueLayout.JAVA_BYTE, w * 64L + b, (byte) ((bits >>> b) & 1));
                }
            }
            if (!any) {
                throw new IllegalArgumentException("the mask allows no token of the vocabulary");
            }
            Native.check(jpeglm_session_set_mask(handle, seq, maskBuffer, vocabSize));
        } finally {
            exit();
        }
    }

    /** Removes sequence seq's mask. */
    public void clearMask(int seq) {
        enter();
        try {
            checkSeq(seq);
            Native.check(jpeglm_session_set_mask(handle, seq, MemorySegment.NULL, 0));
        } finally {
            exit();
        }
    }

    // ---- decoding and stepping -------------------------------------------------------------------------

    /** Appends tokens (a prompt) to sequence seq; afterwards it has the logits of the last one. */
    public void feed(int seq, int... tokens) {
        Objects.requireNonNull(tokens, "tokens");
        int[] seqs = new int[tokens.length];
        Arrays.fill(seqs, seq);
        decode(seqs, tokens);
    }

    /**
     * Appends tokens[i] to sequence seqs[i], in order, in as few native evaluations as the batch size allows;
     * afterwards each sequence named has the logits of its last token.
     *
     * @throws JpeglmException {@link ErrorCode#CONTEXT_FULL} if a sequence would outgrow the context
     * @throws CancellationException if {@link #cancel()} stopped it; the call's tokens are then not kept
     */
    public void decode(int[] seqs, int[] tokens) {
        Objects.requireNonNull(seqs, "seqs");
        Objects.requireNonNull(tokens, "tokens");
        if (seqs.length != tokens.length) {
            throw new IllegalArgumentException(seqs.length + " sequence ids for " + tokens.length + " tokens");
        }
        enter();
        try {
            for (int i = 0; i < seqs.length; i++) {
                checkSeq(seqs[i]);
                checkToken(tokens[i], i);
            }
            int n = seqs.length;
            ensureCapacity(n);
            MemorySegment.copy(seqs, 0, seqBuffer, INT, 0, n);
            MemorySegment.copy(tokens, 0, tokenBuffer, INT, 0, n);
            call(jpeglm_session_decode(handle, n, seqBuffer, tokenBuffer));
        } finally {
            exit();
        }
    }

    /**
     * Appends tokens[i] to sequence seqs[i] like {@link #decode} and returns the natural log-likelihood of each
     * token given the tokens of its sequence before it, under the model's raw logits (no mask or sampling).
     * Element i is NaN for the first token of a sequence that had no logits yet (e.g. BOS of an empty sequence).
     */
    public float[] score(int[] seqs, int[] tokens) {
        Objects.requireNonNull(seqs, "seqs");
        Objects.requireNonNull(tokens, "tokens");
        if (seqs.length != tokens.length) {
            throw new IllegalArgumentException(seqs.length + " sequence ids for " + tokens.length + " tokens");
        }
        enter();
        try (Arena call = Arena.ofConfined()) {
            for (int i = 0; i < seqs.length; i++) {
                checkSeq(seqs[i]);
                checkToken(tokens[i], i);
            }
            int n = seqs.length;
            ensureCapacity(n);
            MemorySegment.copy(seqs, 0, seqBuffer, INT, 0, n);
            MemorySegment.copy(tokens, 0, tokenBuffer, INT, 0, n);
            MemorySegment out = call.allocate(ValueLayout.JAVA_FLOAT, Math.max(1, n));
            call(jpeglm_session_score(handle, n, seqBuffer, tokenBuffer, out));
            return n == 0 ? new float[0] : out.asSlice(0, 4L * n).toArray(ValueLayout.JAVA_FLOAT);
        } finally {
            exit();
        }
    }

    /** {@link #score(int[], int[])} of one sequence's tokens. */
    public float[] score(int seq, int... tokens) {
        Objects.requireNonNull(tokens, "tokens");
        int[] seqs = new int[tokens.length];
        Arrays.fill(seqs, seq);
        return score(seqs, tokens);
    }

    /** One generation step of sequence seq: samples a token, appends it, and returns it. */
    public int step(int seq) {
        return stepOrSample(seq, true);
    }

    /**
     * One generation step of several distinct sequences in one native call: samples a token for each from its
     * logits, then evaluates them together. outTokens[i] receives the token of seqs[i].
     */
    public void step(int[] seqs, int[] outTokens) {
        stepOrSample(seqs, outTokens, true);
    }

    /** Samples the next token of sequence seq without appending it (see {@link #decode}). */
    public int sample(int seq) {
        return stepOrSample(seq, false);
    }

    private int stepOrSample(int seq, boolean decode) {
        enter();
        try {
            checkSeq(seq);
            seqBuffer.setAtIndex(INT, 0, seq);
            call(decode ? jpeglm_session_step(handle, 1, seqBuffer, tokenBuffer)
                        : jpeglm_session_sample(handle, 1, seqBuffer, tokenBuffer));
            return tokenBuffer.getAtIndex(INT, 0);
        } finally {
            exit();
        }
    }

    /** Samples the next token of several distinct sequences without appending them. */
    public void sample(int[] seqs, int[] outTokens) {
        stepOrSample(seqs, outTokens, false);
    }

    private void stepOrSample(int[] seqs, int[] outTokens, boolean decode) {
        Objects.requireNonNull(seqs, "seqs");
        Objects.requireNonNull(outTokens, "outTokens");
        if (outTokens.length < seqs.length) {
            throw new IllegalArgumentException("outTokens has room for " + outTokens.length + " of " + seqs.length + " tokens");
        }
        enter();
        try {
            for (int seq : seqs) {
                checkSeq(seq);
            }
            int n = seqs.length;
            ensureCapacity(n);
            MemorySegment.copy(seqs, 0, seqBuffer, INT, 0, n);
            call(decode ? jpeglm_session_step(handle, n, seqBuffer, tokenBuffer)
                        : jpeglm_session_sample(handle, n, seqBuffer, tokenBuffer));
            MemorySegment.copy(tokenBuffer, INT, 0, outTokens, 0, n);
        } finally {
            exit();
        }
    }

    /**
     * Generates up to maxTokens tokens for sequence seq, calling listener with each; generation stops when the
     * listener returns false, at maxTokens, when the context is full, or on {@link #cancel()}.
     */
    public Generation generate(int seq, int maxTokens, IntPredicate listener) {
        Objects.requireNonNull(listener, "listener");
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        enter();
        int[] tokens = new int[Math.min(maxTokens, 1024)];
        int n = 0;
        Generation.StopReason reason = Generation.StopReason.MAX_TOKENS;
        try {
            checkSeq(seq);
            seqBuffer.setAtIndex(INT, 0, seq);
            int length = jpeglm_session_seq_length(handle, seq);
            while (n < maxTokens) {
                if (cancelRequested.get()) {
                    consumeCancel();
                    reason = Generation.StopReason.CANCELLED;
                    break;
                }
                if (length >= contextLength) {
                    reason = Generation.StopReason.CONTEXT_FULL;
                    break;
                }
                int rc = jpeglm_session_step(handle, 1, seqBuffer, tokenBuffer);
                if (rc == JPEGLM_ERR_CANCELLED()) {
                    consumeCancel();
                    reason = Generation.StopReason.CANCELLED;
                    break;
                }
                Native.check(rc);
                length++;
                int token = tokenBuffer.getAtIndex(INT, 0);
                if (n == tokens.length) {
                    tokens = Arrays.copyOf(tokens, Math.min(maxTokens, tokens.length * 2));
                }
                tokens[n++] = token;
                boolean more;
                Thread self = Thread.currentThread();
                owner.set(CALLBACK_MARK);  // the listener may not re-enter the session
                try {
                    more = listener.test(token);
                } finally {
                    owner.set(self);
                }
                if (!more) {
                    reason = Generation.StopReason.LISTENER;
                    break;
                }
            }
        } finally {
            exit();
        }
        return new Generation(Arrays.copyOf(tokens, n), reason);
    }

    /**
     * A lazy stream of up to maxTokens generated tokens of sequence seq, one step per element; it ends early when
     * the context is full or on {@link #cancel()}. Consume it on the thread that owns the session.
     */
    public IntStream stream(int seq, int maxTokens) {
        checkSeq(seq);
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        var tokens = new Spliterators.AbstractIntSpliterator(maxTokens, Spliterator.ORDERED | Spliterator.NONNULL) {
            private int produced;

            @Override
            public boolean tryAdvance(IntConsumer action) {
                if (produced >= maxTokens || length(seq) >= contextLength) {
                    return false;
                }
                int token;
                try {
                    token = step(seq);
                } catch (CancellationException e) {
                    return false;
                }
                produced++;
                action.accept(token);
                return true;
            }
        };
        return StreamSupport.intStream(tokens, false);
    }

    // ---- logits ---------------------------------------------------------------------------------------

    /** A copy of sequence seq's current logits (vocabSize floats). */
    public float[] logits(int seq) {
        float[] out = new float[vocabSize];
        logits(seq, out);
        return out;
    }

    /** Copies sequence seq's current logits into dst (at least vocabSize long). */
    public void logits(int seq, float[] dst) {
        Objects.requireNonNull(dst, "dst");
        if (dst.length < vocabSize) {
            throw new IllegalArgumentException("dst has " + dst.length + " floats, the vocabulary " + vocabSize);
        }
        enter();
        try {
            MemorySegment.copy(logitsSegment(seq), ValueLayout.JAVA_FLOAT, 0, dst, 0, vocabSize);
        } finally {
            exit();
        }
    }

    /** Replaces sequence seq's current logits (e.g. to bias or constrain its next sample). */
    public void setLogits(int seq, float[] values) {
        Objects.requireNonNull(values, "values");
        if (values.length != vocabSize) {
            throw new IllegalArgumentException(values.length + " logits for a vocabulary of " + vocabSize);
        }
        enter();
        try {
            MemorySegment.copy(values, 0, logitsSegment(seq), ValueLayout.JAVA_FLOAT, 0, vocabSize);
        } finally {
            exit();
        }
    }

    private MemorySegment logitsSegment(int seq) {
        checkSeq(seq);
        MemorySegment p = jpeglm_session_logits(handle, seq);
        if (p.equals(MemorySegment.NULL)) {
            throw new IllegalStateException(Native.lastError());
        }
        return p.reinterpret((long) vocabSize * Float.BYTES);
    }

    // ---- sequences ------------------------------------------------------------------------------------

    /** Number of tokens in sequence seq. */
    public int length(int seq) {
        enter();
        try {
            checkSeq(seq);
            return jpeglm_session_seq_length(handle, seq);
        } finally {
            exit();
        }
    }

    /** Keeps the first keep tokens of sequence seq; it has no logits until its next decode. */
    public void truncate(int seq, int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must be >= 0, got " + keep);
        }
        enter();
        try {
            checkSeq(seq);
            Native.check(jpeglm_session_seq_truncate(handle, seq, keep));
        } finally {
            exit();
        }
    }

    /** Empties sequence seq and restarts its sampler from its seed; its mask stays. */
    public void clear(int seq) {
        enter();
        try {
            checkSeq(seq);
            Native.check(jpeglm_session_seq_truncate(handle, seq, 0));
            applySampling(seq, sampling[seq]);
        } finally {
            exit();
        }
    }

    /** Empties every sequence and restarts every sampler; masks stay. */
    public void reset() {
        enter();
        try {
            Native.check(jpeglm_session_seq_truncate(handle, -1, 0));
            for (int seq = 0; seq < sequences; seq++) {
                applySampling(seq, sampling[seq]);
            }
        } finally {
            exit();
        }
    }

    // ---- state ----------------------------------------------------------------------------------------

    /** Sequence seq's state (its KV cache, length and logits), to {@link #loadState} later. */
    public byte[] saveState(int seq) {
        enter();
        try (Arena call = Arena.ofConfined()) {
            checkSeq(seq);
            long size = jpeglm_session_state_size(handle, seq);
            if (size < 0) {
                throw Native.lastErrorException(ErrorCode.INTERNAL);
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new JpeglmException(ErrorCode.OUT_OF_MEMORY, "sequence state of " + size + " bytes is too large for a byte[]");
            }
            MemorySegment buf = call.allocate(size);
            MemorySegment written = call.allocate(ValueLayout.JAVA_LONG);
            Native.check(jpeglm_session_state_save(handle, seq, buf, size, written));
            return buf.asSlice(0, written.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
        } finally {
            exit();
        }
    }

    /** Replaces sequence seq's state with one saved by {@link #saveState} from a session of the same model. */
    public void loadState(int seq, byte[] state) {
        Objects.requireNonNull(state, "state");
        enter();
        try (Arena call = Arena.ofConfined()) {
            checkSeq(seq);
            MemorySegment buf = call.allocate(Math.max(1, state.length));
            MemorySegment.copy(state, 0, buf, ValueLayout.JAVA_BYTE, 0, state.length);
            Native.check(jpeglm_session_state_load(handle, seq, buf, state.length));
        } finally {
            exit();
        }
    }

    // ---- cancellation and lifecycle -------------------------------------------------------------------

    /**
     * Stops the running operation, or the next one if none runs, from any thread: {@link #generate} then
     * returns with {@link Generation.StopReason#CANCELLED}, {@link #step}/{@link #decode} throw
     * {@link CancellationException}. The request is used up by the operation it stops.
     */
    public void cancel() {
        synchronized (lifecycle) {
            if (!closed) {
                cancelRequested.set(true);
                jpeglm_session_cancel(handle, 1);
            }
        }
    }

    private void consumeCancel() {
        cancelRequested.set(false);
        jpeglm_session_cancel(handle, 0);
    }

    /** Whether {@link #close()} has run. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees the session's native context. Closing twice does nothing.
     *
     * @throws IllegalStateException if another thread is using the session
     */
    @Override
    public void close() {
        Thread self = Thread.currentThread();
        Thread current = owner.get();
        if (closed) {
            return;
        }
        if (current == CALLBACK_MARK) {
            throw new IllegalStateException("a session cannot be closed from inside its own generate listener");
        }
        if (!owner.compareAndSet(null, self)) {
            throw new IllegalStateException("session is in use by thread " + owner.get().getName());
        }
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            jpeglm_session_free(handle);
        }
        arena.close();
        model.releaseSession();
        // owner stays set: every later call finds the session busy, then closed.
    }

    // Marks the session as owned by a generate listener, so re-entrant calls fail clearly.
    private static final Thread CALLBACK_MARK = new Thread("jpeglm-generate-listener");

    private void enter() {
        Thread self = Thread.currentThread();
        if (owner.compareAndSet(null, self)) {
            if (closed) {
                owner.set(null);
                throw new IllegalStateException("session is closed");
            }
            return;
        }
        if (closed) {
            throw new IllegalStateException("session is closed");
        }
        Thread other = owner.get();
        if (other == CALLBACK_MARK) {
            throw new IllegalStateException("a generate listener cannot call its own session (except cancel)");
        }
        throw new IllegalStateException("session is in use by thread "
                + (other == null ? "?" : other.getName()) + "; a session is used by one thread at a time");
    }

    private void exit() {
        owner.set(null);
    }

    private void call(int status) {
        if (status == JPEGLM_ERR_CANCELLED()) {
            consumeCancel();
        }
        Native.check(status);
    }

    private void ensureCapacity(int n) {
        if (seqBuffer.byteSize() < (long) n * Integer.BYTES) {
            long grown = Math.max(n, seqBuffer.byteSize() / Integer.BYTES * 2);
            seqBuffer = arena.allocate(INT, grown);
            tokenBuffer = arena.allocate(INT, grown);
        }
    }

    private void checkSeq(int seq) {
        if (seq < 0 || seq >= sequences) {
            throw new IllegalArgumentException("sequence " + seq + " is out of range [0, " + sequences + ")");
        }
    }

    private void checkToken(int token, int index) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token " + token + " at index " + index + " is out of range [0, " + vocabSize + ")");
        }
    }

    @Override
    public String toString() {
        return "Session[" + sequences + " x " + contextLength + " tokens" + (closed ? ", closed" : "") + "]";
    }
}
