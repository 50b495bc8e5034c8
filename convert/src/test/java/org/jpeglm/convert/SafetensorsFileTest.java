package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jpeglm.convert.safetensors.SafetensorsDType;
import org.jpeglm.convert.safetensors.SafetensorsFile;
import org.jpeglm.convert.safetensors.SafetensorsFormatException;
import org.jpeglm.convert.safetensors.SafetensorsTensor;
import org.jpeglm.testing.SafetensorsTestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
    @TempDir
    Path dir;

    static final List<SafetensorsTestWriter.Entry> ENTRIES = List.of(
            SafetensorsTestWriter.Entry.of("a", "F32", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
            SafetensorsTestWriter.Entry.of("b", "BF16", new long[] {4}, new float[] {1, -2, 0.5f, 8}),
            SafetensorsTestWriter.Entry.of("c", "I64", new long[] {1}, new byte[] {7, 0, 0, 0, 0, 0, 0, 0}),
            SafetensorsTestWriter.Entry.of("empty", "F16", new long[] {0, 5}, new byte[0]),
            SafetensorsTestWriter.Entry.of("scalar", "F16", new long[] {}, new byte[] {0, 60}));

    @Test
    void readsWhatTheReferenceLayoutHolds() throws IOException {
        Path p = dir.resolve("ok.safetensors");
        SafetensorsTestWriter.write(p, ENTRIES, Map.of("format", "pt", "note", "x"));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertEquals(
                    List.of("a", "b", "c", "empty", "scalar"),
                    f.tensors().stream().map(SafetensorsTensor::name).toList());
            assertEquals(Map.of("format", "pt", "note", "x"), f.metadata());
            SafetensorsTensor a = f.tensor("a").orElseThrow();
            assertEquals(SafetensorsDType.F32, a.dtype());
            assertArrayEquals(new long[] {2, 3}, a.shape());
            float[] values = f.data(a).toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, values);
            assertEquals(SafetensorsDType.BF16, f.tensor("b").orElseThrow().dtype());
            assertArrayEquals(
                    ENTRIES.get(1).bytes(), f.data(f.tensor("b").orElseThrow()).toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0, f.tensor("empty").orElseThrow().byteSize());
            assertEquals(1, f.tensor("scalar").orElseThrow().elementCount());
            assertEquals(Files.size(p), f.fileSize());
        }
    }

    @Test
    void missingFile() {
        assertThrows(NoSuchFileException.class, () -> SafetensorsFile.open(dir.resolve("none.safetensors")));
    }

    @Test
    void tooShort() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertBad(p, "too short");
    }

    @Test
    void hugeHeaderLength() throws IOException {
        Path p = dir.resolve("huge.safetensors");
        SafetensorsTestWriter.writeRaw(
                p, SafetensorsTestWriter.header(ENTRIES, null).toString(), 1L << 40, ENTRIES);
        assertBad(p, "bad header length 1099511627776");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        Path p = dir.resolve("beyond.safetensors");
        SafetensorsTestWriter.writeRaw(
                p, SafetensorsTestWriter.header(ENTRIES, null).toString(), 4096, ENTRIES);
        assertBad(p, "bad header length 4096");
    }

    @Test
    void zeroAndNegativeHeaderLength() throws IOException {
        Path p = dir.resolve("zero.safetensors");
        SafetensorsTestWriter.writeRaw(p, "{}", 0, List.of());
        assertBad(p, "bad header length 0");
        SafetensorsTestWriter.writeRaw(p, "{}", -5, List.of());
        assertBad(p, "bad header length 18446744073709551611");
    }

    @Test
    void headerLengthCuttingTheJson() throws IOException {
        Path p = dir.resolve("cut.safetensors");
        SafetensorsTestWriter.writeRaw(
                p, SafetensorsTestWriter.header(ENTRIES, null).toString(), 40, ENTRIES);
        assertBad(p, "not valid JSON");
    }

    @Test
    void notJsonAtAll() throws IOException {
        Path p = dir.resolve("text.safetensors");
        Files.writeString(p, "hello, this is not safetensors at all, just text");
        assertBad(p, "bad header length");
        SafetensorsTestWriter.writeRaw(p, "[1, 2]", -1, List.of());
        assertBad(p, "does not start with '{'");
    }

    @Test
    void invalidUtf8() throws IOException {
        Path p = dir.resolve("utf8.safetensors");
        SafetensorsTestWriter.writeRaw(p, "{\"a\u00e9\": 1}", -1, List.of());
        byte[] bytes = Files.readAllBytes(p);
        bytes[8 + 3] = (byte) 0xFF; // inside the key
        Files.write(p, bytes);
        assertBad(p, "not valid UTF-8");
    }

    @Test
    void duplicateKeys() throws IOException {
        Path p = dir.resolve("dup.safetensors");
        String one = "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}";
        SafetensorsTestWriter.writeRaw(
                p,
                "{" + one + ", " + one + "}",
                -1,
                List.of(SafetensorsTestWriter.Entry.of("a", "F32", new long[] {1}, new float[] {1})));
        assertBad(p, "Duplicate field 'a'");
    }

    @Test
    void overlappingOffsets() throws IOException {
        assertBad(corrupt(h -> offsets(h, "b", 20, 28)), "overlapping tensors: 'a' [0, 24) and 'b' [20, 28)");
    }

    @Test
    void outOfRangeOffsets() throws IOException {
        assertBad(corrupt(h -> offsets(h, "b", 1000, 1008)), "data_offsets [1000,1008] out of range");
    }

    @Test
    void shapeAndDtypeDisagreeWithTheByteRange() throws IOException {
        assertBad(
                corrupt(h -> ((ObjectNode) h.get("a")).putArray("shape").add(3).add(3)),
                "has shape [3,3] of F32, which is 36 bytes, but its data_offsets [0,24] span 24 bytes");
        assertBad(corrupt(h -> ((ObjectNode) h.get("b")).put("dtype", "F32")), "of F32, which is 16 bytes");
    }

    @Test
    void endBeforeBegin() throws IOException {
        assertBad(corrupt(h -> offsets(h, "b", 28, 24)), "end before they begin");
    }

    @Test
    void negativeOrFractionalNumbers() throws IOException {
        assertBad(corrupt(h -> offsets(h, "b", -8, 0)), "not a non-negative 64-bit integer");
        assertBad(
                corrupt(h -> ((ObjectNode) h.get("a")).putArray("shape").add(2).add(3.5)),
                "not a non-negative 64-bit integer");
    }

    @Test
    void unknownDtype() throws IOException {
        assertBad(
                corrupt(h -> ((ObjectNode) h.get("a")).put("dtype", "Q4_0")), "tensor 'a' has an unknown dtype 'Q4_0'");
    }

    @Test
    void missingAndUnknownFields() throws IOException {
        assertBad(corrupt(h -> ((ObjectNode) h.get("a")).remove("dtype")), "tensor 'a' has no 'dtype'");
        assertBad(corrupt(h -> ((ObjectNode) h.get("a")).put("offset", 3)), "tensor 'a' has an unknown field 'offset'");
        assertBad(corrupt(h -> h.put("x", 3)), "tensor 'x' is not an object");
    }

    @Test
    void badMetadata() throws IOException {
        assertBad(corrupt(h -> h.putObject("__metadata__").put("n", 3)), "__metadata__ entry 'n' is not a string");
    }

    @Test
    void truncatedFile() throws IOException {
        Path p = dir.resolve("ok.safetensors");
        SafetensorsTestWriter.write(p, ENTRIES);
        byte[] bytes = Files.readAllBytes(p);
        Files.write(p, java.util.Arrays.copyOf(bytes, bytes.length - 10));
        assertBad(p, "out of range");
    }

    private Path corrupt(Consumer<ObjectNode> change) throws IOException {
        ObjectNode h = SafetensorsTestWriter.header(ENTRIES, null);
        change.accept(h);
        Path p = dir.resolve("corrupt-" + System.nanoTime() + ".safetensors");
        SafetensorsTestWriter.writeRaw(p, h.toString(), -1, ENTRIES);
        return p;
    }

    private static void offsets(ObjectNode h, String name, long begin, long end) {
        ArrayNode a = ((ObjectNode) h.get(name)).putArray("data_offsets");
        a.add(begin);
        a.add(end);
    }

    private static void assertBad(Path p, String fragment) {
        SafetensorsFormatException e = assertThrows(
                SafetensorsFormatException.class, () -> SafetensorsFile.open(p).close());
        assertTrue(
                e.getMessage().contains(fragment),
                "message '" + e.getMessage() + "' should contain '" + fragment + "'");
        assertTrue(e.getMessage().contains(p.toString()), "message should name the file: " + e.getMessage());
    }
}
