package org.jpeglm.soak;

/**
 * How large each part of the suite is.
 *
 * @param threads threads sharing one model in the long run
 * @param imagesPerThread images each of them generates
 * @param imagesPerGenerator images per ImageGenerator before it is closed and a new one made (sessions come and go)
 * @param sampleEvery images between two resident-memory samples
 * @param cancels cancels from another thread, each at a random moment
 * @param signalsPerCommand SIGINT/SIGTERM runs of each of generate, complete and convert
 * @param childImages images a generate child makes (its run must last long enough to be interrupted midway)
 */
record SoakConfig(
        int threads,
        int imagesPerThread,
        int imagesPerGenerator,
        int sampleEvery,
        int cancels,
        int signalsPerCommand,
        int childImages) {
    SoakConfig {
        if (threads < 1 || imagesPerThread < 1 || imagesPerGenerator < 1 || sampleEvery < 1) {
            throw new IllegalArgumentException("threads, images and the sample interval must be at least 1");
        }
        if (cancels < 0 || signalsPerCommand < 0 || childImages < 1) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }

    /** About a minute on two cores: for CI and for trying the suite. */
    static SoakConfig quick() {
        return new SoakConfig(2, 200, 100, 25, 20, 3, 64);
    }

    /** Before a release: issue 12's sizes. */
    static SoakConfig full() {
        return new SoakConfig(8, 2000, 100, 250, 200, 25, 256);
    }

    int totalImages() {
        return threads * imagesPerThread;
    }
}
