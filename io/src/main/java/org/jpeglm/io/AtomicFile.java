package org.jpeglm.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file so that its name only ever shows complete content: the content goes to a temporary file beside
 * the target ({@code .NAME.PID-N.partial}), is forced to disk, and is renamed over the target. A failure or an
 * interruption leaves the target as it was and removes the temporary file: every temporary is registered
 * ({@link TemporaryFiles}) and a JVM shutdown (Ctrl-C, SIGTERM) deletes the registered ones and refuses new ones
 * (only a killed process may leave one behind, recognisable by its name). The one implementation every writer of
 * jpeglm uses.
 */
public final class AtomicFile {
    private static final AtomicLong COUNTER = new AtomicLong();

    private AtomicFile() {}

    /**
     * What fills the temporary file: it exists, empty, and is registered for deletion at JVM shutdown. Open it
     * without {@code CREATE} ({@code WRITE} is enough): a file the shutdown deleted must not be made again.
     */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    /** An action for the JVM's shutdown, after the temporary files are deleted; closing removes it. */
    @FunctionalInterface
    public interface ShutdownAction extends AutoCloseable {
        @Override
        void close();
    }

    /** Writes bytes as target (none is fine: an empty file). */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, tmp -> Files.write(tmp, bytes, StandardOpenOption.WRITE), true);
    }

    /**
     * Runs content on a fresh temporary file beside target, forces it to disk and renames it over target.
     *
     * @throws IOException from content, or naming the target when it cannot be written or replaced, or when
     *     content left the file empty; once the JVM shuts down, one saying so (the target is left as it was)
     */
    public static void write(Path target, Content content) throws IOException {
        write(target, content, false);
    }

    private static void write(Path target, Content content, boolean emptyAllowed) throws IOException {
        Objects.requireNonNull(content, "content");
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        TemporaryFiles registry = TemporaryFiles.process();
        try (TemporaryFile tmp = TemporaryFile.create(registry, absolute)) {
            content.writeTo(tmp.path());
            if (!Files.isRegularFile(tmp.path()) || (!emptyAllowed && Files.size(tmp.path()) == 0)) {
                throw new IOException("nothing was written for " + absolute);
            }
            try (FileChannel ch = FileChannel.open(tmp.path(), StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            tmp.renameTo(absolute);
        } catch (IOException e) {
            throw registry.shuttingDown() ? stopped(absolute, e) : e;
        }
    }

    /** The failure of a write whose temporary file the shutdown deleted: one line, no stray NoSuchFileException. */
    private static IOException stopped(Path target, IOException e) {
        if (e instanceof TemporaryFiles.ShuttingDownException) {
            return e;
        }
        IOException stopped = new TemporaryFiles.ShuttingDownException(target);
        stopped.addSuppressed(e);
        return stopped;
    }

    /** Whether the JVM is shutting down: writes are refused (except by shutdown actions), temporaries deleted. */
    public static boolean shuttingDown() {
        return TemporaryFiles.process().shuttingDown();
    }

    /**
     * Whether the calling thread may write through this class now: always, except while the JVM shuts down, when only
     * the shutdown actions ({@link #atShutdown}) may.
     */
    public static boolean mayWrite() {
        return TemporaryFiles.process().mayWrite();
    }

    /**
     * Runs action when the JVM shuts down, after every temporary file was deleted; unlike other threads then, it may
     * still write through this class (e.g. a summary saying which outputs are complete).
     */
    public static ShutdownAction atShutdown(Runnable action) {
        Objects.requireNonNull(action, "action");
        return TemporaryFiles.process().atShutdown(action);
    }

    /**
     * A path beside target for its content in progress, unique in this process and named after target; nothing
     * is created. Not {@link Files#createTempFile}: that makes the file owner-only, and the rename would keep it.
     */
    static Path temporarySibling(Path target) {
        Path absolute = target.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + "."
                + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + ".partial");
    }

    /** Whether name is one {@link #temporarySibling} makes: a leftover of an interrupted write. */
    public static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(".partial");
    }

    /** Renames tmp over target: atomically where the file system can, else as a plain replacing move. */
    static void replace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
