package org.jpeglm.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of a command that writes one GGUF file: where, whether to replace it, quantizer threads, progress. */
final class GgufOutput {
    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "FILE",
            description = "The GGUF file to write.")
    Path output;

    @Option(
            names = {"-f", "--force"},
            description = "Overwrite an existing output file.")
    boolean force;

    @Option(
            names = {"-t", "--threads"},
            defaultValue = "0",
            paramLabel = "N",
            description = "Quantizer threads, 1 to " + Limits.THREADS_PER_CORE + " per core (default: 0 = all cores).")
    int threads;

    @Option(
            names = {"-q", "--quiet"},
            description = "Print only warnings and errors, no progress.")
    boolean quiet;

    /** -t, checked. */
    int threads() {
        return Limits.requireThreads("--threads", threads, "every core");
    }
}
