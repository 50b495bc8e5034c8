package org.jpeglm.convert.safetensors;

import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a safetensors header.
 *
 * @param name  its name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param dtype its element type
 * @param shape its dimensions, outermost first (PyTorch order: a Linear weight is {@code [out, in]})
 * @param begin where its bytes start, relative to the data section (after the header)
 * @param end   where its bytes end (exclusive), relative to the data section
 */
public record SafetensorsTensor(String name, SafetensorsDType dtype, long[] shape, long begin, long end) {
    public SafetensorsTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Dimension {@code i}, outermost first. */
    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements (1 for a scalar of shape {@code []}). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Bytes of the tensor's data. */
    public long byteSize() {
        return end - begin;
    }

    /** The shape as {@code [a, b]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafetensorsTensor t
                && name.equals(t.name)
                && dtype == t.dtype
                && Arrays.equals(shape, t.shape)
                && begin == t.begin
                && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString() + " [" + begin + ", " + end + ")";
    }
}
