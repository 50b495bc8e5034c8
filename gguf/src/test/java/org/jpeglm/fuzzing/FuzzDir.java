package org.jpeglm.fuzzing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The scratch folder of one fuzz property class: made when the class loads, emptied and removed after it ran. */
public final class FuzzDir {
    private FuzzDir() {}

    /** A new temporary folder named after prefix. */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes dir's files, then dir (the properties write only files into it). */
    public static void delete(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }
}
