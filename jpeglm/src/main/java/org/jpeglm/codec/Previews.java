package org.jpeglm.codec;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a stream being written is shown as a preview ({@link Event.Preview}): when at least {@code everyUnits}
 * more units than in its last preview are finished and at least {@code minIntervalNanos} has passed since it. Only
 * codecs whose {@link StreamState} makes previews show any.
 *
 * @param everyUnits units between two previews of one stream; 0: none
 * @param minIntervalNanos least time between two previews of one stream
 */
public record Previews(int everyUnits, long minIntervalNanos) {
    public static final Previews NONE = new Previews(0, 0);

    public Previews {
        if (everyUnits < 0) {
            throw new IllegalArgumentException("everyUnits must be >= 0, got " + everyUnits);
        }
        if (minIntervalNanos < 0) {
            throw new IllegalArgumentException("the interval between previews must not be negative");
        }
    }

    /** A preview at most every units units (at least 1) and at most once per minInterval, per stream. */
    public static Previews every(int units, Duration minInterval) {
        if (units < 1) {
            throw new IllegalArgumentException("previews need a step of at least 1 unit, got " + units);
        }
        return new Previews(
                units, Objects.requireNonNull(minInterval, "minInterval").toNanos());
    }

    /** Whether any preview is made. */
    public boolean enabled() {
        return everyUnits > 0;
    }
}
