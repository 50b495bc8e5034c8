package org.jpeglm.codec;

/**
 * A snapshot of a {@link Service}'s counters, whatever its codec (a result is an image or a video).
 *
 * @param requests requests accepted since the start
 * @param done results finished since the start
 * @param tokensGenerated tokens generated since the start (prompts excluded)
 * @param tokensPerSecond tokens generated per second over the last few seconds (0 when idle)
 * @param queued results waiting for a sequence
 * @param activeSequences sequences writing a result now
 * @param kvCellsInUse KV cache cells the active sequences hold (their tokens)
 * @param errors generation and scoring requests failed by an error (cancellations excluded)
 */
public record ServiceStats(
        long requests,
        long done,
        long tokensGenerated,
        double tokensPerSecond,
        int queued,
        int activeSequences,
        int kvCellsInUse,
        long errors) {}
