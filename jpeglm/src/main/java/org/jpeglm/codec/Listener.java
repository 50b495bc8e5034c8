package org.jpeglm.codec;

/**
 * Receives the events of one request's results ({@link Event}), in order per result, on the generating thread (a
 * {@link Generator}'s caller): it must return quickly, since every sequence of the batch waits for it. An exception it
 * throws stops its request and comes out of the generator's call as thrown.
 *
 * @param <R> the codec's result
 */
@FunctionalInterface
public interface Listener<R> {
    void onEvent(Event<R> event);
}
