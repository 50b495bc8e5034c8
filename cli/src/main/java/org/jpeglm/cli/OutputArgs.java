package org.jpeglm.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The output directory options of the commands that write a run (generate, complete). */
final class OutputArgs {
    @Option(
            names = {"-o", "--output"},
            paramLabel = "DIR",
            description = "output directory, empty or new (default: ${DEFAULT-VALUE})")
    Path output = Path.of("out");

    @Option(
            names = {"-f", "--force"},
            description = "write into a non-empty output directory, deleting an earlier run's files first")
    boolean force;

    /** Opens the run's output directory ({@link RunOutput#open}). */
    RunOutput open() throws IOException {
        return RunOutput.open(output, force);
    }
}
