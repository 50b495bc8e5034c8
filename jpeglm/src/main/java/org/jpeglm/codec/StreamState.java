package org.jpeglm.codec;

/**
 * One stream as its codec follows it: the codec's half of the engine's slot (what the bytes mean: a grammar state,
 * finished units, previews), while the engine does the batching, sampling and stopping. Made by
 * {@link StreamWriter#open} with the prompt's bytes already taken; used by the engine's thread only.
 */
public interface StreamState {
    /** Whether the bytes taken so far complete the stream by its codec's syntax (a JPEG's EOI). */
    boolean complete();

    /** Constrained requests only: whether token keeps the stream valid (EOS exactly when it is complete). */
    boolean fits(int token);

    /** Constrained requests only: the tokens the codec's grammar allows next. */
    long[] allowed();

    /** The tokens that may follow while forced bytes remain from {@code from}, within the grammar if constrained. */
    long[] forced(byte[] forced, int from, boolean constrained);

    /** Takes a sampled token's bytes (never EOS's); true once the stream is complete by its syntax. */
    boolean take(int token, byte[] bytes);

    /** Units (MCUs, rows, frames) finished so far: the progress a request is told of; none by default. */
    default int units() {
        return 0;
    }

    /** Units of the whole stream (0, the default: the codec counts none). */
    default int totalUnits() {
        return 0;
    }

    /** Units a preview would show now; none by default. */
    default int previewUnits() {
        return 0;
    }

    /** The stream so far as a file to show, or null (the default) for none. */
    default byte[] preview(byte[] streamSoFar) {
        return null;
    }
}
