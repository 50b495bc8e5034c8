package org.jpeglm.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GgufRoundTripTest {
    @TempDir
    Path dir;

    static Map<String, GgufValue> everyType() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("u8", GgufValue.uint8(255));
        m.put("i8", GgufValue.int8(-128));
        m.put("u16", GgufValue.uint16(65535));
        m.put("i16", GgufValue.int16(-32768));
        m.put("u32", GgufValue.uint32(0xFFFF_FFFFL));
        m.put("i32", GgufValue.int32(Integer.MIN_VALUE));
        m.put("f32", GgufValue.float32(-1.5e-7f));
        m.put("bool", GgufValue.bool(true));
        m.put("string", GgufValue.string("Jpeg-LM · ÿØÿ \u0000 end"));
        m.put("u64", GgufValue.uint64(-1L)); // 2^64 - 1
        m.put("i64", GgufValue.int64(Long.MIN_VALUE));
        m.put("f64", GgufValue.float64(Math.PI));
        m.put("empty string", GgufValue.string(""));
        for (GgufValueType t : GgufValueType.values()) {
            if (t.isInteger()) {
                m.put(
                        "array." + t,
                        GgufValue.array(
                                t, t.name().startsWith("U") ? new long[] {0, 1, 200} : new long[] {-3, 0, 100}));
            }
        }
        m.put("array.f32", GgufValue.floats(new float[] {1, Float.NaN, Float.NEGATIVE_INFINITY, -0f}));
        m.put("array.f64", GgufValue.doubles(new double[] {1e300, -2}));
        m.put("array.bool", GgufValue.bools(new boolean[] {true, false, true}));
        m.put("array.string", GgufValue.strings(List.of("a", "", "ÿØ", "merges 1 2")));
        m.put("array.empty", GgufValue.array(GgufValueType.INT32, new long[0]));
        m.put(
                "array.nested",
                GgufValue.arrays(List.of(
                        GgufValue.array(GgufValueType.UINT8, new long[] {1, 2}), GgufValue.strings(List.of("x")))));
        return m;
    }

    @Test
    void everyMetadataTypeRoundTripsInOrder() throws IOException {
        Path p = dir.resolve("meta.gguf");
        new GgufWriter()
                .putAll(everyType())
                .addTensor("t", GgmlType.F32, new long[] {3}, new float[] {1, 2, 3})
                .write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(3, f.version());
            assertEquals(
                    List.copyOf(everyType().keySet()), List.copyOf(f.metadata().keySet()));
            assertEquals(everyType(), f.metadata());
            assertEquals(-1L, f.get("u64").orElseThrow().asLong());
            assertEquals(
                    "Jpeg-LM · ÿØÿ \u0000 end", f.get("string").orElseThrow().asString());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8, 32, 64, 4096})
    void tensorsAndTheDataSectionAreAligned(int alignment) throws IOException {
        Path p = dir.resolve("aligned.gguf");
        GgufWriter w = new GgufWriter().alignment(alignment).put("general.architecture", GgufValue.string("x"));
        Random r = new Random(alignment);
        int[] sizes = {1, 7, 33, 64, 5};
        float[][] data = new float[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            data[i] = new float[sizes[i]];
            for (int j = 0; j < sizes[i]; j++) {
                data[i][j] = r.nextFloat();
            }
            w.addTensor("t" + i, GgmlType.F32, new long[] {sizes[i]}, data[i]);
        }
        w.write(p);
        byte[] bytes = Files.readAllBytes(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertEquals(alignment, f.alignment());
            assertEquals(0, f.dataOffset() % alignment);
            long lastEnd = 0;
            for (int i = 0; i < sizes.length; i++) {
                GgufTensorInfo t = f.tensor("t" + i).orElseThrow();
                assertEquals(0, t.offset() % alignment, t.toString());
                assertTrue(t.offset() >= lastEnd);
                for (long b = f.dataOffset() + lastEnd; b < f.dataOffset() + t.offset(); b++) {
                    assertEquals(0, bytes[(int) b], "padding byte " + b);
                }
                lastEnd = t.offset() + t.byteSize();
                assertArrayEquals(data[i], f.readFloats(t));
            }
        }
    }

    /** The header, byte by byte as the GGUF specification lays it out. */
    @Test
    void headerLayoutFollowsTheSpecification() throws IOException {
        Path p = dir.resolve("layout.gguf");
        new GgufWriter()
                .put("k", GgufValue.uint32(7))
                .addTensor("w", GgmlType.F16, new long[] {2, 3}, new float[6])
                .write(p);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[4];
        b.get(magic);
        assertEquals("GGUF", new String(magic, StandardCharsets.US_ASCII));
        assertEquals(3, b.getInt()); // version
        assertEquals(1, b.getLong()); // tensor count
        assertEquals(1, b.getLong()); // kv count
        assertEquals(1, b.getLong()); // key length
        assertEquals('k', b.get());
        assertEquals(GgufValueType.UINT32.id(), b.getInt());
        assertEquals(7, b.getInt());
        assertEquals(1, b.getLong()); // tensor name length
        assertEquals('w', b.get());
        assertEquals(2, b.getInt()); // n_dims
        assertEquals(2, b.getLong()); // ne[0]
        assertEquals(3, b.getLong()); // ne[1]
        assertEquals(GgmlType.F16.id(), b.getInt());
        assertEquals(0, b.getLong()); // offset
        int headerEnd = b.position();
        int dataStart = (headerEnd + 31) / 32 * 32;
        // 6 F16 values after the aligned header, padded to the alignment like every tensor (as ggml writes it).
        assertEquals(dataStart + 32, b.limit());
        for (int i = dataStart + 12; i < b.limit(); i++) {
            assertEquals(0, b.get(i));
        }
    }

    @Test
    void tensorTypesEncodeWithinTheirPrecision() throws IOException {
        Random r = new Random(5);
        float[] v = new float[4 * 64];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(5) - 2));
        }
        Path p = dir.resolve("types.gguf");
        GgufWriter w = new GgufWriter();
        for (GgmlType t : List.of(GgmlType.F32, GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0)) {
            w.addTensor(t.name(), t, new long[] {64, 4}, v);
        }
        w.write(p);
        try (GgufFile f = GgufFile.open(p)) {
            assertArrayEquals(v, f.readFloats(f.tensor("F32").orElseThrow()));
            float[] f16 = f.readFloats(f.tensor("F16").orElseThrow());
            float[] bf16 = f.readFloats(f.tensor("BF16").orElseThrow());
            float[] q8 = f.readFloats(f.tensor("Q8_0").orElseThrow());
            assertEquals(4 * 64 * 2, f.tensor("F16").orElseThrow().byteSize());
            assertEquals(8 * 34, f.tensor("Q8_0").orElseThrow().byteSize());
            for (int i = 0; i < v.length; i++) {
                if (Math.abs(v[i]) > 1e-4) { // F16 normal range
                    assertEquals(v[i], f16[i], Math.abs(v[i]) * 0x1p-11, "F16 " + i);
                }
                assertEquals(v[i], bf16[i], Math.abs(v[i]) * 0x1p-8, "BF16 " + i);
            }
            for (int b = 0; b < v.length / 32; b++) {
                float amax = 0;
                for (int j = 0; j < 32; j++) {
                    amax = Math.max(amax, Math.abs(v[32 * b + j]));
                }
                for (int j = 0; j < 32; j++) {
                    int i = 32 * b + j;
                    // Half a quantization step, plus the F16 rounding of the scale.
                    assertEquals(v[i], q8[i], amax / 127 * 0.5 + amax * 0x1p-10, "Q8_0 " + i);
                }
            }
        }
    }

    @Test
    void aTensorGivenTooFewOrTooManyBytesFailsAndLeavesNoFile() throws IOException {
        Path p = dir.resolve("bad.gguf");
        var few =
                new GgufWriter().addTensor("t", GgmlType.F32, new long[] {4}, out -> out.write(ByteBuffer.allocate(8)));
        IOException e = assertThrows(IOException.class, () -> few.write(p));
        assertTrue(e.getMessage().contains("'t'"), e.getMessage());
        var many =
                new GgufWriter().addTensor("t", GgmlType.F32, new long[] {1}, out -> out.write(ByteBuffer.allocate(8)));
        assertThrows(IOException.class, () -> many.write(p));
        assertFalse(Files.exists(p));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFile() throws IOException {
        Path p = dir.resolve("model.gguf");
        new GgufWriter()
                .put("v", GgufValue.int32(1))
                .addTensor("t", GgmlType.F32, new long[] {1}, new float[] {1})
                .write(p);
        byte[] before = Files.readAllBytes(p);
        var failing = new GgufWriter()
                .put("v", GgufValue.int32(2))
                .addTensor("t", GgmlType.F32, new long[] {1}, out -> {
                    throw new IOException("source shard vanished");
                });
        IOException e = assertThrows(IOException.class, () -> failing.write(p));
        assertEquals("source shard vanished", e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void valuesAreRangeCheckedAndArraysCopied() {
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint8(256));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.int8(128));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.uint32(-1));
        assertThrows(IllegalArgumentException.class, () -> GgufValue.array(GgufValueType.UINT16, new long[] {70000}));
        assertThrows(IllegalArgumentException.class, () -> new GgufValue(GgufValueType.INT32, null, "x"));
        long[] a = {1, 2};
        GgufValue v = GgufValue.array(GgufValueType.INT64, a);
        a[0] = 99;
        assertEquals(1, v.asLongArray()[0]);
        v.asLongArray()[1] = 99;
        assertEquals(2, v.asLongArray()[1]);
        assertThrows(IllegalStateException.class, v::asString);
        assertThrows(IllegalStateException.class, () -> GgufValue.uint64(-1).asInt());
    }

    @Test
    void writerRejectsBadTensors() {
        var w = new GgufWriter().addTensor("a", GgmlType.F32, new long[] {1}, new float[] {1});
        assertThrows(
                IllegalArgumentException.class, () -> w.addTensor("a", GgmlType.F32, new long[] {1}, new float[] {1}));
        assertThrows(
                IllegalArgumentException.class, () -> w.addTensor("b", GgmlType.Q8_0, new long[] {31}, new float[31]));
        assertThrows(
                IllegalArgumentException.class, () -> w.addTensor("c", GgmlType.F32, new long[] {2, 2}, new float[3]));
        assertThrows(
                IllegalArgumentException.class,
                () -> w.addTensor("d", GgmlType.Q4_K, new long[] {256}, new float[256]));
        assertThrows(
                IllegalArgumentException.class,
                () -> w.addTensor("e", GgmlType.F32, new long[] {1, 1, 1, 1, 1}, new float[1]));
        assertThrows(IllegalStateException.class, () -> w.alignment(64));
    }
}
