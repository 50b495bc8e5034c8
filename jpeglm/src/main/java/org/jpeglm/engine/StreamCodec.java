package org.jpeglm.engine;

/**
 * A codec's part in the {@link BatchEngine}: how one stream of its kind is written in a sequence. The engine does the
 * batching, sampling and stopping for any codec; the codec's {@link StreamSlot} says what its bytes mean (a grammar
 * state, progress, previews) and turns the finished stream into a result. One per request, so it may carry the
 * request's own settings (e.g. how often to preview).
 *
 * @param <R> the result of one stream (a generated image, a generated video)
 * @param <E> the events a request's listener receives
 */
@FunctionalInterface
public interface StreamCodec<R, E> {
    /** Starts job in a sequence; its prompt bytes are written (the sequence is fed its prompt tokens elsewhere). */
    StreamSlot<R> open(StreamJob job, EngineRequest<R, E> request, int contextLength);
}
