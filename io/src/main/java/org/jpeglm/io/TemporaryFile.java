package org.jpeglm.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A temporary file beside a target, created empty and registered so that a JVM shutdown deletes it (see
 * {@link AtomicFile}); closing deletes it unless it was renamed. For content in progress that is not itself the
 * output, e.g. the converter's input to llama.cpp's quantizer. Writers open it without {@code CREATE}: a file the
 * shutdown deleted must stay deleted.
 */
public final class TemporaryFile implements AutoCloseable {
    private final TemporaryFiles registry;
    private final Path path;
    private boolean renamed;

    private TemporaryFile(TemporaryFiles registry, Path path) {
        this.registry = registry;
        this.path = path;
    }

    /**
     * Creates a fresh temporary file beside target ({@code .NAME.PID-N.partial}).
     *
     * @throws IOException when it cannot be created, or once the JVM is shutting down
     */
    public static TemporaryFile create(Path target) throws IOException {
        return create(TemporaryFiles.process(), target);
    }

    static TemporaryFile create(TemporaryFiles registry, Path target) throws IOException {
        return new TemporaryFile(registry, registry.create(target.toAbsolutePath()));
    }

    public Path path() {
        return path;
    }

    /** Renames this file over target (refused once the JVM is shutting down). */
    void renameTo(Path target) throws IOException {
        registry.rename(path, target);
        renamed = true;
    }

    /** Deletes the file unless it was renamed; quietly, as the failure that got here matters more. */
    @Override
    public void close() {
        if (renamed) {
            return;
        }
        try {
            registry.delete(path);
        } catch (IOException ignored) {
            // a leftover is recognisable by its name (AtomicFile.isTemporary)
        }
    }
}
