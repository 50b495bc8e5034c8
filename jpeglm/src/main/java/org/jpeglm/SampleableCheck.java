package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.jpeglm_session_logits;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * What a {@link Session} checks before sampling that llama.cpp does not: a row of logits where no token the mask
 * allows has a finite value makes llama.cpp return token 0 as if it had been chosen. The model's own logits are
 * finite, so only a sequence whose logits came from outside (setLogits, loadState) since its last decode is
 * checked, and the per-token path costs a flag test.
 */
final class SampleableCheck {
    private final int vocabSize;
    /** Each sequence's mask as set (bit t of words[t / 64]), null when it has none. */
    private final long[][] masks;
    /** Whether each sequence's logits came from outside the model since its last decode. */
    private final boolean[] outsideLogits;

    SampleableCheck(int sequences, int vocabSize) {
        this.vocabSize = vocabSize;
        this.masks = new long[sequences][];
        this.outsideLogits = new boolean[sequences];
    }

    /**
     * Refuses a NaN or +Infinity logit, naming its index: greedy sampling would pick token 0 and temperature
     * sampling would turn every probability into NaN.
     */
    static void checkLogits(float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (Float.isNaN(values[i]) || values[i] == Float.POSITIVE_INFINITY) {
                throw new IllegalArgumentException("logit " + i + " is " + values[i]
                        + ": each logit must be finite, or -Infinity to forbid its token");
            }
        }
    }

    /** Remembers the (checked) mask just set on sequence seq, null for none, in a buffer kept per sequence. */
    void rememberMask(int seq, long[] words) {
        if (words == null) {
            masks[seq] = null;
            return;
        }
        long[] copy = masks[seq] != null ? masks[seq] : new long[(vocabSize + 63) / 64];
        System.arraycopy(words, 0, copy, 0, copy.length);
        masks[seq] = copy;
    }

    void markOutsideLogits(int seq) {
        outsideLogits[seq] = true;
    }

    /** Notes that the first n staged sequences have the model's own logits again (after a decode or step). */
    void markModelLogits(SessionBuffers buffers, int n) {
        for (int i = 0; i < n; i++) {
            outsideLogits[buffers.seq(i)] = false;
        }
    }

    /**
     * Refuses to sample the first n staged sequences if one of them has outside logits that leave nothing to
     * sample.
     *
     * @throws JpeglmException {@link ErrorCode#STATE}, naming the sequence
     */
    void check(MemorySegment session, SessionBuffers buffers, int n) {
        for (int i = 0; i < n; i++) {
            int seq = buffers.seq(i);
            if (!outsideLogits[seq]) {
                continue;
            }
            MemorySegment p = jpeglm_session_logits(session, seq);
            if (!p.equals(MemorySegment.NULL) // without logits the native call says so itself
                    && !anyAllowedFinite(seq, p.reinterpret((long) vocabSize * Float.BYTES))) {
                throw new JpeglmException(
                        ErrorCode.STATE,
                        "sequence " + seq + " has no token to sample: no token its mask allows has a finite logit"
                                + " (its logits were set by setLogits or loadState)");
            }
        }
    }

    private boolean anyAllowedFinite(int seq, MemorySegment logits) {
        long[] allowed = masks[seq];
        for (int t = 0; t < vocabSize; t++) {
            if ((allowed == null || (allowed[t >>> 6] & (1L << t)) != 0)
                    && Float.isFinite(logits.getAtIndex(ValueLayout.JAVA_FLOAT, t))) {
                return true;
            }
        }
        return false;
    }
}
