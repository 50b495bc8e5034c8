package org.jpeglm.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

/**
 * Deletes this process's temporary files beside an output when the JVM is stopped (Ctrl-C, SIGTERM) in the middle
 * of a write: the writers delete them on failures, but an interrupted JVM runs no {@code finally} blocks, only
 * shutdown hooks. The files are those the GGUF writer, the quantizer and AtomicFile name
 * {@code .<output name>.<pid>-...}.
 */
final class TempFileCleanup implements AutoCloseable {
    private final Thread hook;

    private TempFileCleanup(Path dir, Predicate<String> names) {
        this.hook = new Thread(() -> deleteIn(dir, names), "jpeglm-temp-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Registers the cleanup of output's temporary files until {@link #close()}. */
    static TempFileCleanup forOutput(Path output) {
        Path out = output.toAbsolutePath().normalize();
        return new TempFileCleanup(
                out.getParent(), name -> isTemporaryOf(out.getFileName().toString(), name));
    }

    /**
     * Whether name is a temporary of this process for output: {@code .<output>.<pid>-...}, or a temporary's own
     * temporary ({@code ..<output>.<pid>-N.partial.<pid>-M.partial}: the quantizer's input is itself written
     * atomically beside the output).
     */
    static boolean isTemporaryOf(String output, String name) {
        String prefix = output + "." + ProcessHandle.current().pid() + "-";
        return name.startsWith(".") && name.replaceFirst("^\\.+", "").startsWith(prefix);
    }

    /** Whether name is an AtomicFile temporary of this process, of any output. */
    static boolean isOwnTemporary(String name) {
        return name.startsWith(".")
                && name.endsWith(".partial")
                && name.contains("." + ProcessHandle.current().pid() + "-");
    }

    /** Deletes the files of dir whose names match, as well as it can (the JVM may be stopping). */
    static void deleteIn(Path dir, Predicate<String> names) {
        if (dir == null || !Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files =
                Files.newDirectoryStream(dir, p -> names.test(p.getFileName().toString()))) {
            for (Path p : files) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort while the JVM stops
        }
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
