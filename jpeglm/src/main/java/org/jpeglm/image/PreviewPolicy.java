package org.jpeglm.image;

import java.time.Duration;
import java.util.Objects;
import org.jpeglm.codec.Previews;

/**
 * How often an image being generated is shown as a preview ({@link ImageEvent.Preview}): when at least
 * {@code everyMcus} more MCUs are finished than in its last preview and at least {@code minInterval} has passed
 * since it. A preview decodes the stream up to its last restart marker with the rest filled neutrally, so it costs
 * about one small repair and decode: every 4 MCUs, or every 50 ms, keeps it out of the generation's way.
 *
 * @param everyMcus MCUs between two previews of one image (at least 1); 0 means no previews
 * @param minInterval least time between two previews of one image
 */
public record PreviewPolicy(int everyMcus, Duration minInterval) {
    private static final PreviewPolicy NONE = new PreviewPolicy(0, Duration.ZERO);

    public PreviewPolicy {
        if (everyMcus < 0) {
            throw new IllegalArgumentException("everyMcus must be >= 0, got " + everyMcus);
        }
        Objects.requireNonNull(minInterval, "minInterval");
        if (minInterval.isNegative()) {
            throw new IllegalArgumentException("minInterval must not be negative, got " + minInterval);
        }
    }

    /** No previews. */
    public static PreviewPolicy none() {
        return NONE;
    }

    /** A preview at most every mcus MCUs (at least 1) and at most once per minInterval, per image. */
    public static PreviewPolicy every(int mcus, Duration minInterval) {
        if (mcus < 1) {
            throw new IllegalArgumentException("previews need a step of at least 1 MCU, got " + mcus);
        }
        return new PreviewPolicy(mcus, minInterval);
    }

    /** The codec-neutral pacing: MCUs are the jpeg codec's units. */
    public Previews previews() {
        return new Previews(everyMcus, minInterval.toNanos());
    }

    /** Whether any preview is made. */
    public boolean enabled() {
        return everyMcus > 0;
    }
}
