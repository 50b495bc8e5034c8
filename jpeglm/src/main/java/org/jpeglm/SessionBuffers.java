package org.jpeglm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * The native argument buffers of a {@link Session}'s calls, reused and grown on demand so the per-token calls
 * allocate nothing, and the one place that checks sequence ids, tokens and masks and copies them to and from
 * native memory.
 */
final class SessionBuffers {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;

    private final Arena arena;
    private final int sequences;
    private final int vocabSize;
    private MemorySegment seqs;
    private MemorySegment tokens;
    private MemorySegment scores;
    private MemorySegment mask;

    SessionBuffers(Arena arena, int sequences, int vocabSize) {
        this.arena = arena;
        this.sequences = sequences;
        this.vocabSize = vocabSize;
        grow(Math.max(sequences, 64));
    }

    /** The staged sequence ids. */
    MemorySegment seqs() {
        return seqs;
    }

    /** The staged tokens, or the tokens a step or sample wrote. */
    MemorySegment tokens() {
        return tokens;
    }

    /** Room for the scores of the n staged tokens. */
    MemorySegment scores(int n) {
        return scores.asSlice(0, (long) Math.max(1, n) * Float.BYTES);
    }

    int checkSeq(int seq) {
        if (seq < 0 || seq >= sequences) {
            throw new IllegalArgumentException("sequence " + seq + " is out of range [0, " + sequences + ")");
        }
        return seq;
    }

    /**
     * Checks seqIds and, unless null, tokenIds (one per sequence id, each in the vocabulary), copies them into the
     * buffers, and returns how many there are.
     */
    int stage(int[] seqIds, int[] tokenIds) {
        Objects.requireNonNull(seqIds, "seqs");
        int n = seqIds.length;
        if (tokenIds != null && tokenIds.length != n) {
            throw new IllegalArgumentException(n + " sequence ids for " + tokenIds.length + " tokens");
        }
        for (int i = 0; i < n; i++) {
            checkSeq(seqIds[i]);
            if (tokenIds != null && (tokenIds[i] < 0 || tokenIds[i] >= vocabSize)) {
                throw new IllegalArgumentException(
                        "token " + tokenIds[i] + " at index " + i + " is out of range [0, " + vocabSize + ")");
            }
        }
        if (seqs.byteSize() < (long) n * Integer.BYTES) {
            grow(Math.max(n, seqs.byteSize() / Integer.BYTES * 2));
        }
        MemorySegment.copy(seqIds, 0, seqs, INT, 0, n);
        if (tokenIds != null) {
            MemorySegment.copy(tokenIds, 0, tokens, INT, 0, n);
        }
        return n;
    }

    /** Copies the n tokens a step or sample wrote into out. */
    void tokensTo(int[] out, int n) {
        MemorySegment.copy(tokens, INT, 0, out, 0, n);
    }

    /** The i-th staged sequence id. */
    int seq(int i) {
        return seqs.getAtIndex(INT, i);
    }

    /** Words a mask of the vocabulary needs. */
    int maskWords() {
        return (vocabSize + 63) / 64;
    }

    /**
     * The native mask (a byte per token, 1 = allowed) of the tokens whose bits are set in words (bit t of
     * words[t / 64]; words past the vocabulary's may follow if they are zero).
     *
     * @throws IllegalArgumentException if words is too short, allows a token outside the vocabulary, or allows no
     *     token
     */
    MemorySegment mask(long[] words) {
        Objects.requireNonNull(words, "words");
        int needed = maskWords();
        if (words.length < needed) {
            throw new IllegalArgumentException("a mask of " + vocabSize + " tokens needs " + needed + " words");
        }
        checkInVocabulary(words);
        if (mask == null) {
            mask = arena.allocate(vocabSize);
        }
        MemorySegment bytes = mask;
        boolean any = false;
        for (int w = 0; w < needed; w++) {
            int n = Math.min(64, vocabSize - w * 64);
            long bits = n < 64 ? words[w] & ((1L << n) - 1) : words[w];
            any |= bits != 0;
            for (int b = 0; b < n; b++) {
                bytes.set(ValueLayout.JAVA_BYTE, w * 64L + b, (byte) ((bits >>> b) & 1));
            }
        }
        if (!any) {
            throw new IllegalArgumentException("the mask allows no token of the vocabulary");
        }
        return bytes;
    }

    /** Refuses a set bit at or past vocabSize, naming the highest such token. */
    private void checkInVocabulary(long[] words) {
        for (int w = words.length - 1; w >= vocabSize / 64; w--) {
            long outside = words[w] & (-1L << (w == vocabSize / 64 ? vocabSize % 64 : 0));
            if (outside != 0) {
                long token = w * 64L + 63 - Long.numberOfLeadingZeros(outside);
                throw new IllegalArgumentException(
                        "the mask allows token " + token + ", outside the vocabulary of " + vocabSize);
            }
        }
    }

    private void grow(long capacity) {
        seqs = arena.allocate(INT, capacity);
        tokens = arena.allocate(INT, capacity);
        scores = arena.allocate(ValueLayout.JAVA_FLOAT, capacity);
    }
}
