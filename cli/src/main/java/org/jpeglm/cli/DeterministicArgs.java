package org.jpeglm.cli;

import picocli.CommandLine.Option;

/** {@code --deterministic}: batch-invariant steps, shared by generate, complete and serve. */
final class DeterministicArgs {
    @Option(
            names = "--deterministic",
            description = "the same seed gives the same images whatever -np and whatever shares the batch (on the "
                    + "CPU, for images from nothing), at a cost in speed where few images step together; by default a "
                    + "seed repeats its images with the same -np and the same company")
    boolean deterministic;
}
