package org.jpeglm.image;

import org.jpeglm.engine.RunStats;

/**
 * Where the time of one {@link ImageGenerator} request went, in nanoseconds: the native steps (evaluation and
 * sampling of every sequence), the prompts, and the Java work between steps (masks, taking tokens) and after
 * images end (repair, decoding).
 *
 * @param images images finished
 * @param tokens tokens generated (prompts excluded)
 * @param steps native steps
 * @param totalNanos the whole request
 * @param stepNanos inside the native step calls
 * @param promptNanos feeding prompts
 * @param maskNanos computing and setting masks
 * @param acceptNanos taking sampled tokens (bytes, grammar state, stop checks)
 * @param finishNanos repairing and decoding finished images
 * @param firstImageNanos from the start to the first finished image
 */
public record GenerationStats(
        int images,
        long tokens,
        long steps,
        long totalNanos,
        long stepNanos,
        long promptNanos,
        long maskNanos,
        long acceptNanos,
        long finishNanos,
        long firstImageNanos) {
    /** The engine's account of a request, in the image API's words. */
    static GenerationStats of(RunStats s) {
        return new GenerationStats(
                s.streams(),
                s.tokens(),
                s.steps(),
                s.totalNanos(),
                s.stepNanos(),
                s.promptNanos(),
                s.maskNanos(),
                s.acceptNanos(),
                s.finishNanos(),
                s.firstNanos());
    }

    /** Java work per step as a share of the native step time: (masks + accept) / steps. */
    public double javaShareOfStep() {
        return stepNanos == 0 ? 0 : (double) (maskNanos + acceptNanos) / stepNanos;
    }

    public double tokensPerSecond() {
        return tokens / (totalNanos / 1e9);
    }

    public double imagesPerSecond() {
        return images / (totalNanos / 1e9);
    }
}
