package org.jpeglm.engine;

/**
 * What the one session of a generator or a service is made with, whatever the codec: the image API's
 * {@code GeneratorOptions} and {@code ServiceOptions}, the video API's {@code VideoOptions}.
 */
public interface SessionSettings {
    /** Streams written at once, one sequence each. */
    int parallel();

    /** CPU threads; 0 uses every core. */
    int threads();

    /** Tokens per native evaluation. */
    int batchSize();

    /** Whether steps are evaluated in the batch-invariant shape ({@link BatchEngine}). */
    boolean deterministic();
}
