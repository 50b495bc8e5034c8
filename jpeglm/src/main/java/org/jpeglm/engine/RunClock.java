package org.jpeglm.engine;

import org.jpeglm.codec.RunStats;

/**
 * Times one generation request: every nanosecond from the start is charged to the phase running then, so the
 * generation loop only says which phase it enters, and counts steps, tokens and finished streams.
 */
public final class RunClock {
    /** Where the time of a request goes; see {@link RunStats}. The listener's time is the caller's: only in the total. */
    public enum Phase {
        PROMPT,
        MASK,
        STEP,
        ACCEPT,
        FINISH,
        LISTENER
    }

    private final long start = System.nanoTime();
    private final long[] nanos = new long[Phase.values().length];
    private Phase phase;
    private long since = start;
    private long steps;
    private long tokens;
    private int images;
    private long firstImage;

    /** Charges the time since the last switch to the phase running then and starts phase; returns that phase. */
    public Phase enter(Phase next) {
        long now = System.nanoTime();
        Phase was = phase;
        if (was != null) {
            nanos[was.ordinal()] += now - since;
        }
        phase = next;
        since = now;
        return was;
    }

    /** One native step that generated tokens tokens. */
    void stepped(int tokens) {
        steps++;
        this.tokens += tokens;
    }

    /** An image is finished. */
    void imageDone() {
        if (images++ == 0) {
            firstImage = System.nanoTime() - start;
        }
    }

    /** The request's statistics, up to now. */
    public RunStats stats() {
        enter(phase);
        return new RunStats(
                images,
                tokens,
                steps,
                System.nanoTime() - start,
                of(Phase.STEP),
                of(Phase.PROMPT),
                of(Phase.MASK),
                of(Phase.ACCEPT),
                of(Phase.FINISH),
                firstImage);
    }

    private long of(Phase p) {
        return nanos[p.ordinal()];
    }
}
