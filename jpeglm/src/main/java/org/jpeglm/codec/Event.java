package org.jpeglm.codec;

import java.util.Objects;

/**
 * What happens to one result of a request while it is written, in this order: {@link Progress} whenever more of its
 * units are finished (codecs that count units), {@link Preview}s as the request's {@link Previews} allow (codecs that
 * make them), and one {@link Finished}.
 *
 * @param <R> the codec's result
 */
public sealed interface Event<R> {
    /** The result's index in its request. */
    int index();

    /**
     * More of the result is written.
     *
     * @param tokens tokens generated so far (prompt excluded)
     * @param units units finished so far (the prompt's included)
     * @param totalUnits units of the whole result
     */
    record Progress<R>(int index, int tokens, int units, int totalUnits) implements Event<R> {}

    /**
     * The result so far as a file to show (for jpeg, a complete JPEG file whose unwritten MCUs are neutral), made on
     * the engine's thread; decoding it is left to whoever shows it.
     *
     * @param units units the preview holds
     * @param totalUnits units of the whole result
     */
    record Preview<R>(int index, int units, int totalUnits, byte[] file) implements Event<R> {
        public Preview {
            Objects.requireNonNull(file, "file");
        }
    }

    /** The result is done (its last event). */
    record Finished<R>(int index, R result) implements Event<R> {
        public Finished {
            Objects.requireNonNull(result, "result");
        }
    }
}
