package org.jpeglm.gguf;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Malformed files give a GgufFormatException that says what is wrong, never another exception or a hang. */
class GgufReaderErrorsTest {
    @TempDir
    Path dir;

    byte[] valid;

    @BeforeEach
    void writeValid() throws IOException {
        Path p = dir.resolve("valid.gguf");
        new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("n", GgufValue.uint32(5))
                .put("list", GgufValue.strings(List.of("a", "bc")))
                .put("flag", GgufValue.bool(true))
                .addTensor("w", GgmlType.F32, new long[] {4, 2}, new float[8])
                .addTensor("q", GgmlType.Q8_0, new long[] {32}, new float[32])
                .write(p);
        valid = Files.readAllBytes(p);
    }

    private GgufFormatException fails(byte[] bytes, String... parts) throws IOException {
        Path p = dir.resolve("bad.gguf");
        Files.write(p, bytes);
        GgufFormatException e =
                assertThrows(GgufFormatException.class, () -> GgufFile.open(p).close());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' lacks '" + part + "'");
        }
        return e;
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) {
                if (haystack[i + j] != n[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError(needle + " not found");
    }

    private byte[] patched(int at, int width, long value) {
        byte[] b = valid.clone();
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) {
            buf.putInt(at, (int) value);
        } else if (width == 8) {
            buf.putLong(at, value);
        } else {
            b[at] = (byte) value;
        }
        return b;
    }

    @Test
    void everyTruncationIsReported() throws IOException {
        // Up to the end of the last tensor's data; the padding after it is not needed.
        long end;
        Path p = dir.resolve("v.gguf");
        Files.write(p, valid);
        try (GgufFile f = GgufFile.open(p)) {
            GgufTensorInfo last = f.tensors().getLast();
            end = f.dataOffset() + last.offset() + last.byteSize();
        }
        assertTrue(end <= valid.length);
        for (int n = 0; n < end; n++) {
            fails(Arrays.copyOf(valid, n));
        }
    }

    @Test
    void magicAndVersion() throws IOException {
        fails("not a model at all".getBytes(StandardCharsets.UTF_8), "not a GGUF file");
        fails(patched(4, 4, 1), "version 1");
        fails(patched(4, 4, 99), "version 99");
    }

    @Test
    void absurdCounts() throws IOException {
        fails(patched(8, 8, Long.MAX_VALUE), "tensors");
        fails(patched(16, 8, -1), "metadata entries");
    }

    @Test
    void badMetadata() throws IOException {
        int key = indexOf(valid, "general.architecture");
        fails(patched(key - 8, 8, Long.MAX_VALUE), "truncated"); // key length
        fails(patched(key + 20, 4, 13), "unknown type id 13");
        int list = indexOf(valid, "list") + 4;
        fails(patched(list + 8, 8, 1L << 60), "claims"); // string array length
        int flag = indexOf(valid, "flag") + 4;
        fails(patched(flag + 4, 1, 7), "not a bool");
        byte[] dupe = valid.clone();
        int n = indexOf(dupe, "list");
        dupe[n] = 'n';
        dupe[n + 1] = 0; // "n\0st" is not "n"; make the key "n" by shortening its length field instead
        ByteBuffer.wrap(dupe).order(ByteOrder.LITTLE_ENDIAN).putLong(n - 8, 1);
        fails(dupe); // the rest of the entry is then misread: some clear format error
    }

    @Test
    void invalidUtf8() throws IOException {
        byte[] b = valid.clone();
        int at = indexOf(b, "llama");
        b[at] = (byte) 0xC3;
        b[at + 1] = (byte) 0x28;
        fails(b, "UTF-8");
    }

    @Test
    void badTensorInfos() throws IOException {
        int w = indexOf(valid, "w\u0002"); // name "w", then n_dims = 2
        fails(patched(w + 1, 4, 5), "dimensions");
        fails(patched(w + 1 + 4, 8, -1), "absurd dimension");
        fails(patched(w + 1 + 4 + 16, 4, 4), "unknown type id 4"); // Q4_2 was removed
        fails(patched(w + 1 + 4 + 16 + 4, 8, 3), "not a multiple of the alignment");
        fails(patched(w + 1 + 4 + 16 + 4, 8, 1L << 40), "truncated");
        fails(patched(w + 1 + 4 + 16, 4, GgmlType.Q8_0.id()), "multiple of 32");
    }

    @Test
    void missingFileAndDirectory() {
        assertThrows(NoSuchFileException.class, () -> GgufFile.open(dir.resolve("none.gguf")));
        assertThrows(GgufFormatException.class, () -> GgufFile.open(dir));
    }

    @Test
    void randomMutationsNeverEscapeAsAnotherException() throws IOException {
        Random r = new Random(42);
        Path p = dir.resolve("mutant.gguf");
        for (int i = 0; i < 2000; i++) {
            byte[] b = valid.clone();
            for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            Files.write(p, b);
            try (GgufFile f = GgufFile.open(p)) {
                for (GgufTensorInfo t : f.tensors()) {
                    assertEquals(t.byteSize(), f.data(t).byteSize());
                }
            } catch (GgufFormatException expected) {
                assertFalse(expected.getMessage().isBlank());
            }
        }
    }
}
