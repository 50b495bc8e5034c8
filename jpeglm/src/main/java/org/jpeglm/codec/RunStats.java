package org.jpeglm.codec;

/**
 * Where the time of one generation request went, in nanoseconds: the native steps (evaluation and sampling of every
 * sequence), the prompts, and the Java work between steps (masks, taking tokens) and after results end (repair,
 * decoding).
 *
 * @param results results finished (images, videos)
 * @param tokens tokens generated (prompts excluded)
 * @param steps native steps
 * @param totalNanos the whole request
 * @param stepNanos inside the native step calls
 * @param promptNanos feeding prompts
 * @param maskNanos computing and setting masks
 * @param acceptNanos taking sampled tokens (bytes, grammar state, stop checks)
 * @param finishNanos turning finished streams into results on the engine's thread (repairing, decoding)
 * @param firstNanos from the start to the first finished result
 */
public record RunStats(
        int results,
        long tokens,
        long steps,
        long totalNanos,
        long stepNanos,
        long promptNanos,
        long maskNanos,
        long acceptNanos,
        long finishNanos,
        long firstNanos) {
    /** Nothing run yet. */
    public static final RunStats NONE = new RunStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** Java work per step as a share of the native step time: (masks + accept) / steps. */
    public double javaShareOfStep() {
        return stepNanos == 0 ? 0 : (double) (maskNanos + acceptNanos) / stepNanos;
    }

    public double tokensPerSecond() {
        return tokens / (totalNanos / 1e9);
    }

    public double resultsPerSecond() {
        return results / (totalNanos / 1e9);
    }
}
