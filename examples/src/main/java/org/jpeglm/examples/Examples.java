package org.jpeglm.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the examples share: finding the model to use. */
final class Examples {
    private Examples() {}

    /** args[index] if given, else the bundled model (searched from the working directory upwards). */
    static Path model(String[] args, int index) {
        if (args.length > index) {
            return Path.of(args[index]);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path p = dir.resolve("models/fashion-mnist-32.gguf");
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "give a model file (the bundled models/fashion-mnist-32.gguf was not found)");
    }
}
