package org.jpeglm.engine;

/**
 * How often a stream being written is shown as a preview: when at least {@code everyUnits} more units than in its
 * last preview are finished and at least {@code minIntervalNanos} has passed since it.
 *
 * @param everyUnits units between two previews of one stream; 0: none
 */
public record Previews(int everyUnits, long minIntervalNanos) {
    public static final Previews NONE = new Previews(0, 0);

    /** Whether any preview is made. */
    public boolean enabled() {
        return everyUnits > 0;
    }
}
