package org.jpeglm.convert;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.IntStream;
import org.jpeglm.convert.safetensors.SafetensorsDType;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.TensorCodec;
import org.jpeglm.gguf.TensorOutput;
import org.jpeglm.gguf.TensorPayload;

/**
 * Streams one planned tensor from its memory-mapped safetensors bytes into the GGUF writer, a bounded chunk at a
 * time: the Java heap holds at most a few MB of it whatever the tensor's size.
 *
 * <p>When the source dtype already is the output type (F32 to F32, F16 to F16, BF16 to BF16) the bytes are copied
 * as they are (rows gathered in permuted order for Q and K); otherwise each row is decoded to float32 and encoded
 * with {@link TensorCodec} (F16 and BF16 round to nearest even, Q8_0 as ggml quantizes), the rows of a chunk on all
 * cores.
 */
final class TensorStreamer implements TensorPayload {
    /** Bytes copied per write when no conversion is needed (tests make it small to cover chunk boundaries). */
    static int rawChunk = 16 << 20;
    /** Values decoded per chunk when converting (tests make it small to cover chunk boundaries). */
    static int floatChunk = 4 << 20;

    private static final ValueLayout.OfFloat F32_LE =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Threads that decode and encode the rows of a chunk. */
    private static final int PARALLELISM = Runtime.getRuntime().availableProcessors();
    /** The smallest magnitude that F16 rounds to infinity. */
    private static final float F16_OVERFLOW = 65520f;

    private final LlamaTensorPlan.Planned tensor;
    private final ConvertListener listener;
    private long f16Overflows;

    TensorStreamer(LlamaTensorPlan.Planned tensor, ConvertListener listener) {
        this.tensor = tensor;
        this.listener = listener;
    }

    /** Values that overflowed to infinity when written as F16 (known after writing). */
    long f16Overflows() {
        return f16Overflows;
    }

    @Override
    public void writeTo(TensorOutput out) throws IOException {
        if (tensor.values() != null) {
            long before = out.remaining();
            out.writeFloats(tensor.values(), 0, tensor.values().length);
            listener.advance(before - out.remaining());
            return;
        }
        MemorySegment src = tensor.source().data();
        SafetensorsDType dtype = tensor.source().tensor().dtype();
        long rows = tensor.rows();
        long cols = tensor.cols();
        if (sameEncoding(dtype, tensor.type())) {
            copyRaw(out, src, rows, cols * (dtype.bits() / 8));
        } else {
            convert(out, src, dtype, rows, cols);
        }
    }

    private static boolean sameEncoding(SafetensorsDType d, GgmlType t) {
        return (d == SafetensorsDType.F32 && t == GgmlType.F32)
                || (d == SafetensorsDType.F16 && t == GgmlType.F16)
                || (d == SafetensorsDType.BF16 && t == GgmlType.BF16);
    }

    /** The source row that output row r comes from. */
    private long sourceRow(long r, long rows) {
        int heads = tensor.permuteHeads();
        if (heads == 0) {
            return r;
        }
        long headDim = rows / heads;
        long half = headDim / 2;
        long h = r / headDim;
        long w = r % headDim;
        return h * headDim + (w % 2) * half + w / 2;
    }

    private void copyRaw(TensorOutput out, MemorySegment src, long rows, long rowBytes) throws IOException {
        if (tensor.permuteHeads() == 0) {
            for (long at = 0; at < src.byteSize(); at += rawChunk) {
                long n = Math.min(rawChunk, src.byteSize() - at);
                out.write(src.asSlice(at, n));
                listener.advance(n);
            }
            return;
        }
        long rowsPerChunk = Math.max(1, rawChunk / rowBytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(rowsPerChunk * rowBytes, 64);
            for (long r0 = 0; r0 < rows; r0 += rowsPerChunk) {
                long n = Math.min(rowsPerChunk, rows - r0);
                for (long i = 0; i < n; i++) {
                    MemorySegment.copy(src, sourceRow(r0 + i, rows) * rowBytes, staging, i * rowBytes, rowBytes);
                }
                out.write(staging.asSlice(0, n * rowBytes));
                listener.advance(n * rowBytes);
            }
        }
    }

    private void convert(TensorOutput out, MemorySegment src, SafetensorsDType dtype, long rows, long cols)
            throws IOException {
        if (cols > Integer.MAX_VALUE - 8) {
            throw new IOException("tensor " + tensor.name() + " has rows of " + cols + " values, too long to convert");
        }
        int rowLength = (int) cols;
        int rowsPerChunk = (int) Math.max(1, Math.min(rows, floatChunk / Math.max(1, rowLength)));
        float[] values = new float[rowsPerChunk * rowLength];
        GgmlType type = tensor.type();
        long rowBytes = type.rowBytes(rowLength);
        int elementBytes = dtype.bits() / 8;
        boolean checkF16 = type == GgmlType.F16;
        LongAdder overflows = new LongAdder();
        // Rows of a chunk are decoded and encoded in parallel (disjoint parts of values and staging), then written
        // in order; the bytes are the same whatever the number of threads.
        try (Arena arena = Arena.ofShared()) {
            MemorySegment staging = arena.allocate(rowsPerChunk * rowBytes, 64);
            for (long r0 = 0; r0 < rows; r0 += rowsPerChunk) {
                int n = (int) Math.min(rowsPerChunk, rows - r0);
                long first = r0;
                int parts = Math.min(n, PARALLELISM);
                IntStream.range(0, parts).parallel().forEach(part -> {
                    short[] halves = dtype == SafetensorsDType.F32 ? null : new short[rowLength];
                    long overflow = 0;
                    for (int i = part * n / parts; i < (part + 1) * n / parts; i++) {
                        long offset = sourceRow(first + i, rows) * rowLength * elementBytes;
                        int to = i * rowLength;
                        switch (dtype) {
                            case F32 -> MemorySegment.copy(src, F32_LE, offset, values, to, rowLength);
                            case F16 -> {
                                MemorySegment.copy(src, I16_LE, offset, halves, 0, rowLength);
                                for (int j = 0; j < rowLength; j++) {
                                    values[to + j] = Float.float16ToFloat(halves[j]);
                                }
                            }
                            case BF16 -> {
                                MemorySegment.copy(src, I16_LE, offset, halves, 0, rowLength);
                                for (int j = 0; j < rowLength; j++) {
                                    values[to + j] = Float.intBitsToFloat((halves[j] & 0xFFFF) << 16);
                                }
                            }
                            default -> throw new IllegalStateException("unsupported dtype " + dtype);
                        }
                        if (checkF16) {
                            for (int j = to; j < to + rowLength; j++) {
                                if (Math.abs(values[j]) >= F16_OVERFLOW) {
                                    overflow++;
                                }
                            }
                        }
                        TensorCodec.encode(type, values, to, rowLength, staging, i * rowBytes);
                    }
                    if (overflow > 0) {
                        overflows.add(overflow);
                    }
                });
                out.write(staging.asSlice(0, n * rowBytes));
                listener.advance(n * rowBytes);
            }
        }
        f16Overflows += overflows.sum();
    }
}
