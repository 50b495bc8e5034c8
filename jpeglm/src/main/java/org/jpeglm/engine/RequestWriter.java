package org.jpeglm.engine;

import org.jpeglm.codec.Previews;
import org.jpeglm.codec.StreamState;
import org.jpeglm.codec.Written;

/**
 * A codec's part in the {@link BatchEngine}: how one stream of its kind is followed ({@link StreamState}), what a
 * request is told of it, and the result made of it once written. One per request, so it may carry the request's own
 * settings (how often to preview). The engine does the batching, sampling, stopping and pacing for any codec.
 *
 * @param <R> the result of one stream (a generated image, a written video)
 * @param <E> the events a request's listener receives
 */
public interface RequestWriter<R, E> {
    /** Starts following job's stream: its prompt bytes are taken (the sequence is fed its prompt tokens elsewhere). */
    StreamState open(StreamJob job);

    /** The result of a written stream; on the engine's thread. */
    R finish(Written written);

    /** How often the request's streams are previewed. */
    default Previews previews() {
        return Previews.NONE;
    }

    /** The event telling of a stream's progress, or null when the codec tells none. */
    default E progress(int index, int tokens, int units, int totalUnits) {
        return null;
    }

    /** The event showing a preview file of a stream, or null when the codec shows none. */
    default E preview(int index, int units, int totalUnits, byte[] file) {
        return null;
    }
}
