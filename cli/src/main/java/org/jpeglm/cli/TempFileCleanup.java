package org.jpeglm.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Deletes this process's temporary files beside an output when the JVM is stopped (Ctrl-C, SIGTERM) in the middle
 * of a write: the writers delete them on failures, but an interrupted JVM runs no {@code finally} blocks, only
 * shutdown hooks. The files are those the GGUF writer and the quantizer name {@code .<output name>.<pid>-...}.
 */
final class TempFileCleanup implements AutoCloseable {
    private final Thread hook;

    private TempFileCleanup(Path output) {
        Path out = output.toAbsolutePath().normalize();
        String prefix = "." + out.getFileName() + "." + ProcessHandle.current().pid() + "-";
        this.hook = new Thread(() -> {
            Path dir = out.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                return;
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
                for (Path p : files) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException ignored) {
                // best effort while the JVM stops
            }
        }, "jpeglm-temp-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Registers the cleanup of output's temporary files until {@link #close()}. */
    static TempFileCleanup forOutput(Path output) {
        return new TempFileCleanup(output);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run
        }
    }
}
