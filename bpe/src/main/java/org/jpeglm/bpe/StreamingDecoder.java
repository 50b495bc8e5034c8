package org.jpeglm.bpe;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decodes token ids one at a time into a growing byte buffer, for generation: each sampled id is
 * appended in O(1) amortized (tokens are short), and the bytes so far can be read at any point.
 * Special tokens append nothing. Not thread-safe; one per generation.
 */
public final class StreamingDecoder {
    private final BpeTokenizer tokenizer;
    private byte[] buffer = new byte[256];
    private int size;
    private int tokens;

    StreamingDecoder(BpeTokenizer tokenizer) {
        this.tokenizer = Objects.requireNonNull(tokenizer);
    }

    /**
     * Appends the bytes of one token.
     *
     * @return how many bytes were appended (0 for a special token)
     * @throws IllegalArgumentException if the id is outside the vocabulary
     */
    public int append(int id) {
        byte[] b = tokenizer.bytesOf(id);
        if (size + b.length > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + b.length));
        }
        System.arraycopy(b, 0, buffer, size, b.length);
        size += b.length;
        tokens++;
        return b.length;
    }

    /** Appends several tokens. */
    public void appendAll(int[] ids) {
        for (int id : ids) {
            append(id);
        }
    }

    /** Number of bytes decoded so far. */
    public int size() {
        return size;
    }

    /** Number of ids appended so far (special ones included). */
    public int tokenCount() {
        return tokens;
    }

    /** Byte {@code index} of the output so far. */
    public byte byteAt(int index) {
        return buffer[Objects.checkIndex(index, size)];
    }

    /** A copy of the bytes decoded so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** A copy of the bytes from {@code from} to the end (e.g. what the last tokens added). */
    public byte[] bytesFrom(int from) {
        Objects.checkFromToIndex(from, size, size);
        return Arrays.copyOfRange(buffer, from, size);
    }

    /** Writes the bytes decoded so far. */
    public void writeTo(OutputStream out) throws IOException {
        out.write(buffer, 0, size);
    }

    /** Forgets everything decoded so far (keeps the buffer). */
    public void reset() {
        size = 0;
        tokens = 0;
    }
}
