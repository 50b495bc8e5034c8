package org.jpeglm;

/**
 * The tokens one call of {@link Sequence#generate} produced and why it stopped.
 *
 * @param tokens the sampled tokens, in order (including the one the listener stopped at)
 * @param stopReason why generation ended
 */
public record Generation(int[] tokens, StopReason stopReason) {
    /** Why a generation ended. */
    public enum StopReason {
        /** The listener returned false. */
        LISTENER,
        /** maxTokens were generated. */
        MAX_TOKENS,
        /** The sequence reached the session's context length. */
        CONTEXT_FULL,
        /** {@link Session#cancel()} was called. */
        CANCELLED
    }

    public Generation {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** Number of tokens generated. */
    public int length() {
        return tokens.length;
    }
}
