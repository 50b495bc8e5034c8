package org.jpeglm.engine;

/**
 * A stream being written in one sequence, as the {@link BatchEngine} sees it: whether it is done, which tokens it
 * must or may take next, and its result once done. Made by a {@link StreamCodec}; used by the engine's thread only.
 *
 * @param <R> the result of the stream
 */
public interface StreamSlot<R> {
    StreamJob job();

    EngineRequest<R, ?> request();

    /** Tokens the sequence holds: the prompt and every generated token (each is decoded in the step sampling it). */
    int length();

    /** Whether the stream needs no more tokens. */
    boolean done();

    /** Whether its next token must start with (or be a prefix of) forced bytes. */
    boolean forcing();

    /** The tokens that may follow while forcing. */
    long[] forcedMask();

    /**
     * The tokens a constrained request's grammar allows next; only asked of requests that are
     * {@link EngineRequest#constrained()}.
     */
    long[] grammarMask();

    /** Whether token keeps a constrained stream valid; only asked of constrained requests. */
    boolean fits(int token);

    /** Takes the sampled token; true when the stream is done. */
    boolean accept(int token);

    /** Tells the request's listener of the stream's progress (after its prompt and after each token). */
    void report();

    /** The finished stream's result; only once {@link #done()}. */
    R finish();
}
