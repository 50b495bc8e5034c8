package org.jpeglm.image;

/**
 * A snapshot of an {@link ImageService}'s counters.
 *
 * @param requests requests accepted since the start
 * @param imagesDone images finished since the start
 * @param tokensGenerated tokens generated since the start (prompts excluded)
 * @param tokensPerSecond tokens generated per second over the last few seconds (0 when idle)
 * @param queuedImages images waiting for a sequence
 * @param activeSequences sequences writing an image now
 * @param kvCellsInUse KV cache cells the active sequences hold (their tokens)
 * @param errors generation and scoring requests failed by an error (cancellations excluded)
 */
public record ServiceStats(
        long requests,
        long imagesDone,
        long tokensGenerated,
        double tokensPerSecond,
        int queuedImages,
        int activeSequences,
        int kvCellsInUse,
        long errors) {}
