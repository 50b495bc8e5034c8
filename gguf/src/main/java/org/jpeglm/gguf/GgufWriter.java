package org.jpeglm.gguf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jpeglm.io.AtomicFile;

/**
 * Writes a GGUF v3 file: metadata in insertion order, tensor infos, then each tensor's data at an aligned offset.
 * Tensor data comes from {@link TensorPayload}s while writing, so a file much larger than the heap can be written.
 *
 * <p>The file is written to a temporary file beside the target and renamed onto it only when complete: a failed
 * or interrupted write never leaves a partial file under the target's name.
 */
public final class GgufWriter {
    /** Reports progress after each tensor. */
    @FunctionalInterface
    public interface Progress {
        void tensorWritten(GgufTensorInfo tensor, long bytesDone, long bytesTotal);
    }

    private record Pending(GgufTensorInfo info, TensorPayload payload) {}

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();
    private final Map<String, Integer> tensorIndex = new LinkedHashMap<>();
    private int alignment = GgufFile.DEFAULT_ALIGNMENT;
    private long dataSize;

    /** Sets key to value (replacing an earlier value, keeping its position). */
    public GgufWriter put(String key, GgufValue value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.equals(GgufFile.ALIGNMENT_KEY)) {
            if (value.type() != GgufValueType.UINT32) {
                throw new IllegalArgumentException(GgufFile.ALIGNMENT_KEY + " must be a UINT32");
            }
            return alignment((int) value.asLong());
        }
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putAll(Map<String, GgufValue> values) {
        values.forEach(this::put);
        return this;
    }

    /** The metadata so far, in order. */
    public Map<String, GgufValue> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    /** Aligns the data section and each tensor to alignment bytes (a power of two; default 32). */
    public GgufWriter alignment(int alignment) {
        if (alignment <= 0 || Integer.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two, got " + alignment);
        }
        if (!tensors.isEmpty()) {
            throw new IllegalStateException("set the alignment before adding tensors");
        }
        this.alignment = alignment;
        if (alignment == GgufFile.DEFAULT_ALIGNMENT) {
            metadata.remove(GgufFile.ALIGNMENT_KEY);
        } else {
            metadata.put(GgufFile.ALIGNMENT_KEY, GgufValue.uint32(alignment));
        }
        return this;
    }

    /** Adds a tensor whose bytes payload writes; shape is innermost first (ggml's ne). */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, TensorPayload payload) {
        Objects.requireNonNull(payload, "payload");
        if (tensorIndex.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' was already added");
        }
        GgufTensorInfo info = new GgufTensorInfo(name, type, shape, dataSize);
        tensorIndex.put(name, tensors.size());
        tensors.add(new Pending(info, payload));
        dataSize = GgufFile.align(dataSize + info.byteSize(), alignment);
        return this;
    }

    /** Adds a tensor of float values encoded as type (F32, F16, BF16 or Q8_0). */
    public GgufWriter addTensor(String name, GgmlType type, long[] shape, float[] values) {
        if (!TensorCodec.supports(type)) {
            throw new IllegalArgumentException("jpeglm encodes F32, F16, BF16 and Q8_0 itself, not " + type);
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' has shape of " + n + " elements but " + values.length + " values");
        }
        float[] copy = values.clone();
        return addTensor(name, type, shape, out -> out.writeFloats(copy, 0, copy.length));
    }

    /** The tensor infos so far, with their offsets. */
    public List<GgufTensorInfo> tensors() {
        return tensors.stream().map(Pending::info).toList();
    }

    /** Writes the file (replacing target atomically). */
    public void write(Path target) throws IOException {
        write(target, (t, done, total) -> {});
    }

    /** Writes the file, reporting after each tensor. */
    public void write(Path target, Progress progress) throws IOException {
        AtomicFile.write(target, tmp -> {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    Arena arena = Arena.ofConfined()) {
                byte[] header = header();
                writeFully(ch, ByteBuffer.wrap(header));
                long headerPadded = GgufFile.align(header.length, alignment);
                writeZeros(ch, headerPadded - header.length);
                long written = 0;
                MemorySegment scratch = arena.allocate(1 << 20, 64);
                for (Pending p : tensors) {
                    Output out = new Output(ch, p.info(), scratch);
                    p.payload().writeTo(out);
                    if (out.remaining() != 0) {
                        throw new IOException("tensor '" + p.info().name() + "' got "
                                + (p.info().byteSize() - out.remaining()) + " of its "
                                + p.info().byteSize() + " bytes");
                    }
                    long end = p.info().offset() + p.info().byteSize();
                    long padded = GgufFile.align(end, alignment);
                    writeZeros(ch, padded - end);
                    written += p.info().byteSize();
                    progress.tensorWritten(p.info(), written, totalTensorBytes());
                }
            }
        });
    }

    private long totalTensorBytes() {
        long total = 0;
        for (Pending p : tensors) {
            total += p.info().byteSize();
        }
        return total;
    }

    private byte[] header() {
        Bytes b = new Bytes();
        b.i32(GgufFile.MAGIC);
        b.i32(GgufFile.VERSION);
        b.i64(tensors.size());
        b.i64(metadata.size());
        for (var e : metadata.entrySet()) {
            b.string(e.getKey());
            b.value(e.getValue());
        }
        for (Pending p : tensors) {
            GgufTensorInfo t = p.info();
            b.string(t.name());
            long[] shape = t.shape();
            b.i32(shape.length);
            for (long d : shape) {
                b.i64(d);
            }
            b.i32(t.type().id());
            b.i64(t.offset());
        }
        return b.toByteArray();
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static void writeZeros(FileChannel ch, long n) throws IOException {
        if (n > 0) {
            writeFully(ch, ByteBuffer.allocate((int) n));
        }
    }

    /** Little-endian encoding of the header. */
    private static final class Bytes extends ByteArrayOutputStream {
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        void i8(int v) {
            write(v);
        }

        void i16(int v) {
            scratch.clear();
            scratch.putShort((short) v);
            write(scratch.array(), 0, 2);
        }

        void i32(int v) {
            scratch.clear();
            scratch.putInt(v);
            write(scratch.array(), 0, 4);
        }

        void i64(long v) {
            scratch.clear();
            scratch.putLong(v);
            write(scratch.array(), 0, 8);
        }

        void string(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            i64(bytes.length);
            write(bytes, 0, bytes.length);
        }

        void value(GgufValue v) {
            i32(v.type().id());
            if (v.type() == GgufValueType.ARRAY) {
                GgufValueType et = v.elementType();
                i32(et.id());
                i64(v.length());
                switch (et) {
                    case STRING -> v.asStringList().forEach(this::string);
                    case ARRAY -> v.asArrayList().forEach(this::value);
                    case FLOAT32 -> {
                        for (float f : v.asFloatArray()) {
                            i32(Float.floatToRawIntBits(f));
                        }
                    }
                    case FLOAT64 -> {
                        for (double d : v.asDoubleArray()) {
                            i64(Double.doubleToRawLongBits(d));
                        }
                    }
                    case BOOL -> {
                        for (boolean x : v.asBooleanArray()) {
                            i8(x ? 1 : 0);
                        }
                    }
                    default -> {
                        for (long x : v.asLongArray()) {
                            integer(et, x);
                        }
                    }
                }
                return;
            }
            switch (v.type()) {
                case STRING -> string(v.asString());
                case FLOAT32 -> i32(Float.floatToRawIntBits(v.asFloat()));
                case FLOAT64 -> i64(Double.doubleToRawLongBits(v.asDouble()));
                case BOOL -> i8(v.asBoolean() ? 1 : 0);
                default -> integer(v.type(), v.asLong());
            }
        }

        private void integer(GgufValueType type, long x) {
            switch (type.size()) {
                case 1 -> i8((int) x);
                case 2 -> i16((int) x);
                case 4 -> i32((int) x);
                default -> i64(x);
            }
        }
    }

    /** Counts and bounds one tensor's bytes. */
    private static final class Output implements TensorOutput {
        private final FileChannel ch;
        private final GgufTensorInfo info;
        private final MemorySegment scratch;
        private long remaining;

        Output(FileChannel ch, GgufTensorInfo info, MemorySegment scratch) {
            this.ch = ch;
            this.info = info;
            this.scratch = scratch;
            this.remaining = info.byteSize();
        }

        private void take(long n) throws IOException {
            if (n > remaining) {
                throw new IOException(
                        "tensor '" + info.name() + "' was given more than its " + info.byteSize() + " bytes");
            }
            remaining -= n;
        }

        @Override
        public void write(ByteBuffer buffer) throws IOException {
            take(buffer.remaining());
            writeFully(ch, buffer);
        }

        @Override
        public void write(MemorySegment segment) throws IOException {
            take(segment.byteSize());
            for (long at = 0; at < segment.byteSize(); at += Integer.MAX_VALUE / 2) {
                long n = Math.min(Integer.MAX_VALUE / 2, segment.byteSize() - at);
                writeFully(ch, segment.asSlice(at, n).asByteBuffer());
            }
        }

        @Override
        public void writeFloats(float[] values, int from, int n) throws IOException {
            GgmlType type = info.type();
            int block = type.blockSize();
            // Values per chunk: whole blocks that fit the scratch buffer.
            int perChunk = (int) (scratch.byteSize() / type.typeSize()) * block;
            for (int at = 0; at < n; at += perChunk) {
                int count = Math.min(perChunk, n - at);
                long bytes = TensorCodec.encode(type, values, from + at, count, scratch, 0);
                write(scratch.asSlice(0, bytes));
            }
        }

        @Override
        public long remaining() {
            return remaining;
        }
    }
}
