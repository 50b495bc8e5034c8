package org.jpeglm.codec;

/**
 * Writes one codec's streams in one session: it opens the {@link StreamState} that follows each stream, and holds
 * what they share there (a grammar's token masks and their caches). Made by {@link Codec#newWriter(int)} once per
 * generator; used by the engine's thread only.
 */
public interface StreamWriter {
    /** Starts following a stream whose first bytes, already written, are promptBytes. */
    StreamState open(byte[] promptBytes);

    /**
     * Whether its states have a grammar ({@link StreamState#fits}, {@link StreamState#allowed}); without one, a
     * constrained request is sampled freely.
     */
    boolean hasGrammar();
}
