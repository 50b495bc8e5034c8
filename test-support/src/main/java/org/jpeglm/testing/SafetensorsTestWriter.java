package org.jpeglm.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.jpeglm.gguf.TensorCodec;

/**
 * Writes safetensors files the way the reference Python library does (header JSON padded with spaces to a multiple
 * of 8 bytes, tensors back to back in header order), plus hooks to write deliberately broken ones.
 */
public final class SafetensorsTestWriter {
    private SafetensorsTestWriter() {}

    public static final ObjectMapper MAPPER = new ObjectMapper();

    /** Writes a tensor's bytes into a channel (for tensors too large for a byte[]). */
    @FunctionalInterface
    public interface DataWriter {
        void write(FileChannel ch) throws IOException;
    }

    /**
     * One tensor.
     *
     * @param bytes its data, or null when {@code writer} streams {@code size} bytes
     */
    public record Entry(String name, String dtype, long[] shape, byte[] bytes, long size, DataWriter writer) {
        public static Entry of(String name, String dtype, long[] shape, byte[] bytes) {
            return new Entry(name, dtype, shape, bytes, bytes.length, null);
        }

        public static Entry of(String name, String dtype, long[] shape, float[] values) {
            return of(name, dtype, shape, encode(values, dtype));
        }
    }

    /** values as little-endian F32, F16 or BF16 (round to nearest even, as torch does). */
    public static byte[] encode(float[] values, String dtype) {
        int size = dtype.equals("F32") ? 4 : 2;
        ByteBuffer b = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case "F32" -> b.putFloat(v);
                case "F16" -> b.putShort(Float.floatToFloat16(v));
                case "BF16" -> b.putShort(TensorCodec.toBf16(v));
                default -> throw new IllegalArgumentException(dtype);
            }
        }
        return b.array();
    }

    /** values as they read back after {@link #encode} (the rounding a checkpoint of that dtype applies). */
    public static float[] rounded(float[] values, String dtype) {
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case "F32" -> out[i];
                case "F16" -> Float.float16ToFloat(Float.floatToFloat16(out[i]));
                case "BF16" -> TensorCodec.fromBf16(TensorCodec.toBf16(out[i]));
                default -> throw new IllegalArgumentException(dtype);
            };
        }
        return out;
    }

    /** The header JSON for entries laid out back to back. */
    public static ObjectNode header(List<Entry> entries, Map<String, String> metadata) {
        ObjectNode root = MAPPER.createObjectNode();
        if (metadata != null) {
            ObjectNode m = root.putObject("__metadata__");
            metadata.forEach(m::put);
        }
        long at = 0;
        for (Entry e : entries) {
            ObjectNode t = root.putObject(e.name());
            t.put("dtype", e.dtype());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) {
                shape.add(d);
            }
            ArrayNode off = t.putArray("data_offsets");
            off.add(at);
            off.add(at + e.size());
            at += e.size();
        }
        return root;
    }

    public static void write(Path path, List<Entry> entries) throws IOException {
        write(path, entries, Map.of("format", "pt"));
    }

    public static void write(Path path, List<Entry> entries, Map<String, String> metadata) throws IOException {
        writeRaw(path, header(entries, metadata).toString(), -1, entries);
    }

    /**
     * Writes headerJson (padded to 8 bytes) and the entries' data.
     *
     * @param headerLength the length to store (any 64 bits), or -1 for the true one
     */
    public static void writeRaw(Path path, String headerJson, long headerLength, List<Entry> entries)
            throws IOException {
        byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        java.util.Arrays.fill(header, (byte) ' ');
        System.arraycopy(json, 0, header, 0, json.length);
        try (FileChannel ch = FileChannel.open(
                path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(headerLength == -1 ? padded : headerLength);
            writeFully(ch, len.flip());
            writeFully(ch, ByteBuffer.wrap(header));
            for (Entry e : entries) {
                if (e.bytes() != null) {
                    writeFully(ch, ByteBuffer.wrap(e.bytes()));
                } else {
                    long before = ch.position();
                    e.writer().write(ch);
                    if (ch.position() - before != e.size()) {
                        throw new IllegalStateException(
                                e.name() + ": wrote " + (ch.position() - before) + " of " + e.size());
                    }
                }
            }
        }
    }

    public static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }
}
