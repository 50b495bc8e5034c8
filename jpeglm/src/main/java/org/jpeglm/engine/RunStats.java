package org.jpeglm.engine;

/**
 * Where the time of one generation request went, in nanoseconds, as {@link RunClock} counts it; each codec's API
 * hands it out in its own words (the image API's {@code GenerationStats}).
 *
 * @param streams streams finished
 * @param tokens tokens generated (prompts excluded)
 * @param steps native steps
 * @param totalNanos the whole request
 * @param stepNanos inside the native step calls
 * @param promptNanos feeding prompts
 * @param maskNanos computing and setting masks
 * @param acceptNanos taking sampled tokens
 * @param finishNanos turning finished streams into results (repairing, decoding)
 * @param firstNanos from the start to the first finished stream
 */
public record RunStats(
        int streams,
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
}
