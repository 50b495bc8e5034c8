package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bad model files give a JpeglmException naming the problem, and the JVM goes on: after each case a valid model
 * still loads and runs (a native abort would have killed the test JVM instead).
 */
class ModelLoadErrorsTest {
    @TempDir
    Path dir;

    @AfterEach
    void theJvmStillWorks() {
        try (Model m = Model.load(TinyModels.mhaTied().path(), TinyModels.options());
                Session s = m.newSession(16)) {
            s.sequence(0).feed(1, 2, 3);
            assertTrue(s.sequence(0).step() >= 0);
        }
    }

    private JpeglmException loadFails(Path path, ErrorCode code, String... messageParts) {
        JpeglmException e = assertThrows(JpeglmException.class, () -> Model.load(path, TinyModels.options()));
        assertEquals(code, e.code(), e.getMessage());
        for (String part : messageParts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
        }
        return e;
    }

    private byte[] validModel() throws IOException {
        return Files.readAllBytes(TinyModels.mhaUntied().path());
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Offset of the first occurrence of needle in haystack, or a test failure. */
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
        fail("not found: " + new String(needle, StandardCharsets.ISO_8859_1));
        return -1;
    }

    /** The offset of the value of a u32 metadata key (after its type id). */
    private static int u32ValueOffset(byte[] file, String key) {
        int at = indexOf(file, key.getBytes(StandardCharsets.UTF_8)) + key.length();
        assertEquals(
                4, ByteBuffer.wrap(file, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt(), key + " is not UINT32");
        return at + 4;
    }

    @Test
    void missingFile() {
        loadFails(dir.resolve("nope.gguf"), ErrorCode.IO, "nope.gguf");
    }

    @Test
    void aDirectory() {
        loadFails(dir, ErrorCode.IO, "not a regular file");
    }

    @Test
    void notAGgufFile() throws IOException {
        loadFails(
                write("text.gguf", "hello, this is not a model\n".getBytes(StandardCharsets.UTF_8)),
                ErrorCode.FORMAT,
                "not a GGUF file");
        loadFails(write("empty.gguf", new byte[0]), ErrorCode.FORMAT, "not a GGUF file");
    }

    @ParameterizedTest(name = "truncated to {0}% of its bytes")
    @ValueSource(ints = {1, 3, 10, 30, 60, 90, 99})
    void truncatedGguf(int percent) throws IOException {
        byte[] full = validModel();
        int keep = Math.max(4, (int) ((long) full.length * percent / 100));
        JpeglmException e = loadFails(write("cut.gguf", Arrays.copyOf(full, keep)), ErrorCode.FORMAT);
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void unsupportedArchitecture() throws IOException {
        byte[] file = validModel();
        // The value of general.architecture is the first "llama" string after the key.
        int key = indexOf(file, "general.architecture".getBytes(StandardCharsets.UTF_8));
        int value = key + indexOf(Arrays.copyOfRange(file, key, file.length), "llama".getBytes(StandardCharsets.UTF_8));
        System.arraycopy("gpt2x".getBytes(StandardCharsets.UTF_8), 0, file, value, 5);
        loadFails(write("gpt2x.gguf", file), ErrorCode.UNSUPPORTED, "gpt2x");
    }

    @Test
    void absurdHyperParameters() throws IOException {
        byte[] file = validModel();
        int at = u32ValueOffset(file, "llama.embedding_length");
        ByteBuffer.wrap(file, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7fff_fff0);
        loadFails(write("wide.gguf", file), ErrorCode.FORMAT, "embedding_length");

        byte[] zeroHeads = validModel();
        at = u32ValueOffset(zeroHeads, "llama.attention.head_count");
        ByteBuffer.wrap(zeroHeads, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0);
        loadFails(write("zero-heads.gguf", zeroHeads), ErrorCode.FORMAT, "head_count");

        byte[] oddHeads = validModel();
        at = u32ValueOffset(oddHeads, "llama.attention.head_count");
        ByteBuffer.wrap(oddHeads, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(3);
        loadFails(write("odd-heads.gguf", oddHeads), ErrorCode.FORMAT, "head_count");
    }

    @Test
    void absurdTensorDimensions() throws IOException {
        byte[] file = validModel();
        // Tensor info: name, n_dims (u32), ne[0] (u64), ...
        String name = "blk.0.ffn_up.weight";
        int at = indexOf(file, name.getBytes(StandardCharsets.UTF_8)) + name.length() + 4;
        ByteBuffer.wrap(file, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        loadFails(write("huge-tensor.gguf", file), ErrorCode.FORMAT);

        byte[] shape = validModel();
        at = indexOf(shape, name.getBytes(StandardCharsets.UTF_8)) + name.length() + 4;
        long ne0 = ByteBuffer.wrap(shape, at, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ByteBuffer.wrap(shape, at, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(ne0 / 2);
        // The tensor infos no longer add up: the next tensor's offset is wrong.
        loadFails(write("inconsistent-shape.gguf", shape), ErrorCode.FORMAT, "offset");
    }

    /**
     * Valid ggml types llama.cpp cannot compute with: an i32 or q8_1 weight matrix passed every check and then
     * aborted (or called a null function) in the first decode; found by NativeFuzzTest.
     */
    @ParameterizedTest(name = "{0} as ggml type {1}")
    @CsvSource({"blk.0.ffn_up.weight, 26, i32", "output.weight, 9, q8_1", "blk.0.attn_norm.weight, 26, i32"})
    void tensorsOfATypeLlamaCppCannotComputeWith(String name, int type, String typeName) throws IOException {
        byte[] file = validModel();
        // Tensor info: name (u64 length, bytes), n_dims (u32), ne (u64 each), type (u32), offset (u64). The
        // length prefix keeps "output.weight" from matching inside "blk.0.attn_output.weight".
        byte[] prefixed = ByteBuffer.allocate(8 + name.length())
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(name.length())
                .put(name.getBytes(StandardCharsets.UTF_8))
                .array();
        int at = indexOf(file, prefixed) + prefixed.length;
        int dims = ByteBuffer.wrap(file, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        ByteBuffer.wrap(file, at + 4 + 8 * dims, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putInt(type);
        loadFails(write("typed.gguf", file), ErrorCode.FORMAT, name, typeName);
    }

    @Test
    void tensorsOfAnotherShapeThanTheHyperParametersSay() throws IOException {
        // A consistent file whose feed-forward tensors are twice as wide as llama.feed_forward_length says.
        var tiny = TinyModels.mhaUntied();
        Path p = dir.resolve("wrong-shape.gguf");
        TinyLlamaGguf.writer(tiny.weights(), GgmlType.F32)
                .put("llama.feed_forward_length", GgufValue.uint32(tiny.config().ffnDim() / 2))
                .write(p);
        loadFails(p, ErrorCode.FORMAT, "ffn_gate", "wrong shape");
    }

    @Test
    void aDeviceThatIsNotAGgufByName() throws IOException {
        loadFails(Path.of("/dev/null"), ErrorCode.IO, "not a regular file");
    }
}
