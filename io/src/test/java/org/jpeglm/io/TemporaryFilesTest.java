package org.jpeglm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry, with its shutdown driven directly (a registry of its own, without a JVM hook). */
class TemporaryFilesTest {
    @TempDir
    Path dir;

    private final TemporaryFiles registry = new TemporaryFiles(false);

    @Test
    void aTemporaryIsRegisteredUntilRenamed() throws IOException {
        Path target = dir.resolve("out.bin");
        try (TemporaryFile tmp = TemporaryFile.create(registry, target)) {
            assertTrue(Files.isRegularFile(tmp.path()) && registry.isRegistered(tmp.path()));
            assertTrue(AtomicFile.isTemporary(tmp.path()));
            Files.write(tmp.path(), new byte[] {4});
            tmp.renameTo(target);
            assertFalse(registry.isRegistered(tmp.path()));
        }
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aTemporaryIsDeletedAndForgottenWhenClosed() throws IOException {
        Path tmp;
        try (TemporaryFile t = TemporaryFile.create(registry, dir.resolve("out.bin"))) {
            tmp = t.path();
        }
        assertFalse(Files.exists(tmp));
        assertFalse(registry.isRegistered(tmp));
        assertEquals(List.of(), files());
    }

    @Test
    void theShutdownDeletesRegisteredTemporariesAndRefusesNewOnes() throws IOException {
        Path target = dir.resolve("out.bin");
        TemporaryFile a = TemporaryFile.create(registry, target);
        TemporaryFile b = TemporaryFile.create(registry, a.path()); // a temporary's own temporary
        Files.write(b.path(), new byte[] {1});
        shutDown();
        assertEquals(List.of(), files());
        assertTrue(registry.shuttingDown());
        IOException created = assertThrows(IOException.class, () -> TemporaryFile.create(registry, target));
        assertTrue(created.getMessage().contains("shutting down"), created.getMessage());
        // The rename of a deleted temporary fails and makes nothing.
        IOException renamed = assertThrows(IOException.class, () -> b.renameTo(a.path()));
        assertTrue(renamed.getMessage().contains("shutting down"), renamed.getMessage());
        a.close();
        b.close();
        assertEquals(List.of(), files());
    }

    @Test
    void shutdownActionsRunAfterTheCleanupAndMayStillWrite() throws IOException {
        Path target = dir.resolve("summary.json");
        TemporaryFile pending = TemporaryFile.create(registry, dir.resolve("image.png"));
        List<String> seen = new ArrayList<>();
        registry.atShutdown(() -> {
            seen.add("pending exists: " + Files.exists(pending.path()));
            try (TemporaryFile tmp = TemporaryFile.create(registry, target)) {
                Files.write(tmp.path(), new byte[] {9});
                tmp.renameTo(target);
            } catch (IOException e) {
                seen.add("refused: " + e.getMessage());
            }
        });
        AtomicFile.ShutdownAction removed = registry.atShutdown(() -> seen.add("removed action ran"));
        removed.close();
        shutDown();
        assertEquals(List.of("pending exists: false"), seen);
        assertEquals(List.of(target), files());
    }

    @Test
    void atomicWritesGoThroughTheProcessRegistry() throws IOException {
        Path target = dir.resolve("out.bin");
        List<Boolean> registered = new ArrayList<>();
        AtomicFile.write(target, tmp -> {
            registered.add(TemporaryFiles.process().isRegistered(tmp));
            Files.write(tmp, new byte[] {3}, java.nio.file.StandardOpenOption.WRITE);
        });
        assertEquals(List.of(true), registered);
        assertEquals(List.of(target), files());
    }

    /** As the JVM does: on a thread of its own (the one thread that may still write). */
    private void shutDown() {
        Thread hook = new Thread(registry::shutdown);
        hook.start();
        try {
            hook.join();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void whileShuttingDownOnlyTheShutdownsThreadMayWrite() throws Exception {
        assertTrue(registry.mayWrite(), "before the shutdown, any thread");
        List<Boolean> inAction = new ArrayList<>();
        registry.atShutdown(() -> inAction.add(registry.mayWrite()));
        Thread shutdown = new Thread(registry::shutdown);
        shutdown.start();
        shutdown.join();
        assertEquals(List.of(true), inAction, "its actions, on its thread");
        assertFalse(registry.mayWrite(), "another thread, once it began");
    }
}
