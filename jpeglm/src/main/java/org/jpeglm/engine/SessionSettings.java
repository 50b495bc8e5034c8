package org.jpeglm.engine;

import org.jpeglm.ThreadOptions;

/**
 * What the one session of a generator or a service is made with, whatever the codec: the image API's
 * {@code GeneratorOptions} and {@code ServiceOptions}, the video API's {@code VideoOptions}.
 */
public interface SessionSettings {
    /** Streams written at once, one sequence each. */
    int parallel();

    /** How the session uses the CPU ({@link ThreadOptions#AUTOMATIC} unless asked otherwise). */
    ThreadOptions threads();

    /** Tokens per native evaluation. */
    int batchSize();

    /** Whether steps are evaluated in the batch-invariant shape ({@link BatchEngine}). */
    boolean deterministic();
}
