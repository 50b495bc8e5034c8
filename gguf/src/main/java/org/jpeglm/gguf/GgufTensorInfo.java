package org.jpeglm.gguf;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a GGUF file.
 *
 * @param name the tensor's name, e.g. "blk.0.attn_q.weight"
 * @param type its element type
 * @param shape its dimensions, innermost (contiguous) first, as ggml's {@code ne}: a [rows][cols] matrix is
 *     {@code {cols, rows}}
 * @param offset where its data starts, relative to the file's data section (a multiple of the alignment)
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long offset) {
    /** GGML_MAX_DIMS. */
    public static final int MAX_DIMS = 4;

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        if (shape.length < 1 || shape.length > MAX_DIMS) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' has " + shape.length + " dimensions, GGUF allows 1 to " + MAX_DIMS);
        }
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(
                        "tensor '" + name + "' has a negative dimension: " + Arrays.toString(shape));
            }
        }
        if (shape[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' of type " + type
                    + " needs its first dimension to be a multiple of " + type.blockSize() + ", got " + shape[0]);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("tensor '" + name + "' has a negative offset");
        }
        elementCount(name, shape); // overflow check
        byteSize(name, type, shape);
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements. */
    public long elementCount() {
        return elementCount(name, shape);
    }

    /** Bytes of the tensor's data. */
    public long byteSize() {
        return byteSize(name, type, shape);
    }

    /** This entry at another offset. */
    public GgufTensorInfo withOffset(long newOffset) {
        return new GgufTensorInfo(name, type, shape, newOffset);
    }

    private static long elementCount(String name, long[] shape) {
        try {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' has too many elements: " + Arrays.toString(shape));
        }
    }

    private static long byteSize(String name, GgmlType type, long[] shape) {
        try {
            long bytes = type.rowBytes(shape[0]);
            for (int i = 1; i < shape.length; i++) {
                bytes = Math.multiplyExact(bytes, shape[i]);
            }
            return bytes;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor '" + name + "' is too large: " + Arrays.toString(shape));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t
                && name.equals(t.name)
                && type == t.type
                && Arrays.equals(shape, t.shape)
                && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), offset);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(shape) + " @" + offset;
    }
}
