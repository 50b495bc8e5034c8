package org.jpeglm.io;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesBytesAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("sub/out.bin");
        AtomicFile.write(f, new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
        assertEquals(List.of(f), Files.list(f.getParent()).toList());
    }

    @Test
    void replacesAnExistingFile() throws IOException {
        Path f = dir.resolve("out.bin");
        Files.write(f, new byte[] {9});
        AtomicFile.write(f, new byte[] {7, 7});
        assertArrayEquals(new byte[] {7, 7}, Files.readAllBytes(f));
    }

    @Test
    void aFailingWriterLeavesTheTargetAsItWasAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("out.bin");
        Files.write(f, new byte[] {5});
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFile.write(f, tmp -> {
                    Files.write(tmp, new byte[] {1, 2});
                    throw new IOException("disk full");
                }));
        assertEquals("disk full", e.getMessage());
        assertArrayEquals(new byte[] {5}, Files.readAllBytes(f));
        assertEquals(List.of(f), files());
    }

    @Test
    void aWriterThatWritesNothingIsAnError() {
        Path f = dir.resolve("out.bin");
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, tmp -> {}));
        assertTrue(e.getMessage().contains("out.bin"), e.getMessage());
        assertFalse(Files.exists(f));
    }

    @Test
    void temporaryNamesAreUniqueAndRecognisable() {
        Path f = dir.resolve("model.gguf");
        Path a = AtomicFile.temporarySibling(f);
        Path b = AtomicFile.temporarySibling(f);
        assertNotEquals(a, b);
        assertEquals(dir, a.getParent());
        assertTrue(AtomicFile.isTemporary(a) && a.getFileName().toString().startsWith(".model.gguf."));
        assertFalse(AtomicFile.isTemporary(f));
    }
}
