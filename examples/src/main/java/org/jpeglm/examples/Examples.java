package org.jpeglm.examples;

import java.nio.file.Files;
import java.nio.file.Path;

/** What the examples share: finding the model to use. */
final class Examples {
    static final Path BUNDLED = Path.of("models/fashion-mnist-32.gguf");

    private Examples() {}

    /** args[index] if given, else the bundled model, run from the repository's root (examples/README.md). */
    static Path model(String[] args, int index) {
        if (args.length > index) {
            return Path.of(args[index]);
        }
        if (!Files.isRegularFile(BUNDLED)) {
            throw new IllegalArgumentException("give a model file: the bundled " + BUNDLED
                    + " is not in the working directory (run from the repository's root)");
        }
        return BUNDLED;
    }
}
