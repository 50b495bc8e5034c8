package org.jpeglm.bpe;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One entry of a BPE vocabulary: either a {@link Piece} (a non-empty byte string the encoder can
 * produce) or a {@link Special} token (BOS, EOS, ...) that stands for no bytes and that the encoder
 * never produces from input.
 */
public sealed interface VocabEntry permits VocabEntry.Piece, VocabEntry.Special {

    /** A piece for the given bytes. */
    static Piece piece(byte... bytes) {
        return new Piece(bytes);
    }

    /** A special token with the given text (e.g. {@code "<s>"}). */
    static Special special(String content) {
        return new Special(content);
    }

    /**
     * A token standing for a non-empty byte string.
     *
     * @param bytes the bytes (copied in and out; the record compares by content)
     */
    record Piece(byte[] bytes) implements VocabEntry {
        public Piece {
            Objects.requireNonNull(bytes, "bytes");
            if (bytes.length == 0) {
                throw new IllegalArgumentException("a piece must have at least one byte");
            }
            bytes = bytes.clone();
        }

        /** A copy of the bytes. */
        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** Number of bytes. */
        public int length() {
            return bytes.length;
        }

        byte[] bytesUnsafe() {
            return bytes;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Piece p && Arrays.equals(bytes, p.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Piece[" + HexFormat.of().formatHex(bytes) + "]";
        }
    }

    /**
     * A control token; it decodes to no bytes.
     *
     * @param content its text, as HF's {@code added_tokens[].content} (e.g. {@code "</s>"})
     */
    record Special(String content) implements VocabEntry {
        public Special {
            Objects.requireNonNull(content, "content");
            if (content.isEmpty()) {
                throw new IllegalArgumentException("a special token needs a non-empty content");
            }
        }
    }
}
