package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A loaded model's metadata: the file's keys in order, each with its GGUF type, as the GGUF writer wrote it. */
class ModelMetadataTest {
    static final Map<String, GgufValue> EXTRA = Map.of(
            "test.u8", GgufValue.uint8(200),
            "test.i16", GgufValue.int16(-300),
            "test.u64", GgufValue.uint64(-1),
            "test.f64", GgufValue.float64(0.25),
            "test.flag", GgufValue.bool(true),
            "test.names", GgufValue.strings(List.of("a", "b")),
            "test.bytes", GgufValue.array(GgufValueType.UINT8, new long[] {0, 255}),
            "test.floats", GgufValue.floats(new float[] {1.5f, -2})); // llama.cpp refuses arrays of arrays

    @TempDir
    Path dir;

    Path modelWith(Map<String, GgufValue> extra) throws IOException {
        Path p = dir.resolve("model.gguf");
        TinyLlamaGguf.writer(TinyModels.mhaTied().weights(), GgmlType.F32)
                .putAll(extra)
                .write(p);
        return p;
    }

    @Test
    void everyKeyComesBackTypedAndInFileOrder() throws IOException {
        Path p = modelWith(EXTRA);
        try (Model m = Model.load(p, TinyModels.options());
                GgufFile f = GgufFile.open(p)) {
            Map<String, GgufValue> values = m.metadata().values();
            assertEquals(List.copyOf(f.metadata().keySet()), List.copyOf(values.keySet()));
            EXTRA.forEach((key, value) -> assertEquals(value, values.get(key), key));
            assertEquals("llama", m.metadata().require("general.architecture").asString());
            assertEquals(
                    TinyModels.MHA_TIED.layers(),
                    m.metadata().require("llama.block_count").asInt());
            assertEquals(
                    GgufValueType.UINT64,
                    m.metadata().get("test.u64").orElseThrow().type());
            assertTrue(m.metadata().get("test.absent").isEmpty());
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> m.metadata().require("test.absent"));
            assertTrue(e.getMessage().contains("test.absent"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> values.put("x", GgufValue.bool(false)));
        }
    }

    @Test
    void metadataTheJavaReaderRefusesIsAFormatErrorNamingTheKey() throws IOException {
        Path p = modelWith(Map.of("test.flag", GgufValue.bool(true)));
        byte[] file = Files.readAllBytes(p);
        byte[] key = "test.flag".getBytes(StandardCharsets.UTF_8);
        int at = indexOf(file, key) + key.length + 4; // after the key and its type id
        assertEquals(1, file[at]);
        file[at] = 2; // a bool that is neither 0 nor 1
        Files.write(p, file);
        JpeglmException e = assertThrows(JpeglmException.class, () -> Model.load(p, TinyModels.options()));
        assertEquals(ErrorCode.FORMAT, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("test.flag"), e.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
