package org.jpeglm.cli;

import picocli.CommandLine.Option;

/** {@code -np}: how many images run together, shared and checked alike by generate, complete and score. */
final class ParallelArgs {
    /** The generator's most sequences. */
    static final int MAX = 256;

    static final int DEFAULT = 16;

    @Option(
            names = {"-np", "--parallel"},
            paramLabel = "N",
            description = "images run together, one sequence each: 1 to " + MAX + " (default: " + DEFAULT
                    + "; never more than the images)")
    Integer parallel;

    /** Checks -np; called before anything is loaded or written. */
    void check() {
        if (parallel != null && (parallel < 1 || parallel > MAX)) {
            throw new IllegalArgumentException("--parallel must be 1 to " + MAX + ", got " + parallel);
        }
    }

    /** The sequences for a request of jobs images: -np (or the default), at most jobs. */
    int forJobs(long jobs) {
        check();
        return (int) Math.max(1, Math.min(parallel != null ? parallel : DEFAULT, jobs));
    }
}
