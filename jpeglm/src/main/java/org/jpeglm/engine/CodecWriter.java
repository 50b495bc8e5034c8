package org.jpeglm.engine;

import java.util.Objects;
import java.util.function.Function;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.StreamState;
import org.jpeglm.codec.StreamWriter;
import org.jpeglm.codec.Written;

/**
 * A request's writer made of a codec's parts: its {@link StreamWriter} follows each stream, finish makes each result,
 * and the front end's events tell of progress and previews. One per request.
 *
 * @param finish makes the result of a written stream on the engine's thread (a codec finishing off it gives the
 *     stream on as it is)
 */
public record CodecWriter<R, E>(StreamWriter streams, Function<Written, R> finish, Previews previews, Events<E> events)
        implements RequestWriter<R, E> {
    /** The events a front end tells its listeners of a stream being written. */
    public interface Events<E> {
        E progress(int index, int tokens, int units, int totalUnits);

        E preview(int index, int units, int totalUnits, byte[] file);
    }

    public CodecWriter {
        Objects.requireNonNull(streams, "streams");
        Objects.requireNonNull(finish, "finish");
        Objects.requireNonNull(previews, "previews");
        Objects.requireNonNull(events, "events");
    }

    @Override
    public StreamState open(StreamJob job) {
        return streams.open(job.promptBytes());
    }

    @Override
    public R finish(Written written) {
        return finish.apply(written);
    }

    /** Progress of a codec that counts units; none for one that counts none (its total is 0). */
    @Override
    public E progress(int index, int tokens, int units, int totalUnits) {
        return totalUnits > 0 ? events.progress(index, tokens, units, totalUnits) : null;
    }

    @Override
    public E preview(int index, int units, int totalUnits, byte[] file) {
        return events.preview(index, units, totalUnits, file);
    }
}
