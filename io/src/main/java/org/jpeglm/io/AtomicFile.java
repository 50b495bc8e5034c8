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
 * interruption leaves the target as it was and removes the temporary file (a killed process may leave one
 * behind, recognisable by its name). The one implementation every writer of jpeglm uses.
 */
public final class AtomicFile {
    private static final AtomicLong COUNTER = new AtomicLong();

    private AtomicFile() {}

    /** What fills the temporary file; it may open, write and close {@code tmp} in any way. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Path tmp) throws IOException;
    }

    /** Writes bytes as target. */
    public static void write(Path target, byte[] bytes) throws IOException {
        Objects.requireNonNull(bytes, "bytes");
        write(target, tmp -> Files.write(tmp, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    /**
     * Runs content on a fresh temporary file beside target, forces it to disk and renames it over target.
     *
     * @throws IOException from content, or naming the target when it cannot be written or replaced
     */
    public static void write(Path target, Content content) throws IOException {
        Objects.requireNonNull(content, "content");
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path tmp = temporarySibling(absolute);
        boolean committed = false;
        try {
            content.writeTo(tmp);
            if (!Files.isRegularFile(tmp)) {
                throw new IOException("nothing was written for " + absolute);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            replace(tmp, absolute);
            committed = true;
        } finally {
            if (!committed) {
                deleteQuietly(tmp);
            }
        }
    }

    /**
     * A path beside target for its content in progress, unique in this process and named after target; nothing
     * is created. Not {@link Files#createTempFile}: that makes the file owner-only, and the rename would keep it.
     */
    public static Path temporarySibling(Path target) {
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

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // the original failure matters more than a leftover temporary file
        }
    }
}
