package org.jpeglm.image;

/** What the one session of a generator or a service is made with: {@link GeneratorOptions}, {@link ServiceOptions}. */
sealed interface SessionSettings permits GeneratorOptions, ServiceOptions {
    /** Images written at once, one sequence each. */
    int parallel();

    /** CPU threads; 0 uses every core. */
    int threads();

    /** Tokens per native evaluation. */
    int batchSize();

    /** Whether steps are evaluated in the batch-invariant shape ({@link BatchEngine}). */
    boolean deterministic();
}
