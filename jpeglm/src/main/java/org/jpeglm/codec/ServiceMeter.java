package org.jpeglm.codec;

import java.util.ArrayDeque;
import java.util.Deque;
import org.jpeglm.engine.BatchEngine;
import org.jpeglm.engine.RunClock;

/**
 * A {@link Service}'s counters: the scheduler thread charges every round to one {@link RunClock} and reports
 * here after each round; {@link #stats} may be read from any thread. Tokens per second are measured over the last
 * {@value #WINDOW_SECONDS} seconds, from samples at most one per {@value #SAMPLE_MILLIS} ms.
 */
final class ServiceMeter {
    static final int WINDOW_SECONDS = 10;
    static final int SAMPLE_MILLIS = 100;
    private static final long WINDOW = WINDOW_SECONDS * 1_000_000_000L;
    private static final long SAMPLE = SAMPLE_MILLIS * 1_000_000L;

    private final RunClock clock = new RunClock();
    private final Deque<long[]> samples = new ArrayDeque<>(); // {nanoTime, tokens so far}
    private long results;
    private long tokens;
    private int active;
    private int kvCells;

    /** The clock the engine charges (scheduler thread only). */
    RunClock clock() {
        return clock;
    }

    /** After each round, on the scheduler thread. */
    synchronized void roundDone(BatchEngine<?> engine) {
        RunStats s = clock.stats();
        results = s.results();
        tokens = s.tokens();
        active = engine.activeSequences();
        kvCells = engine.kvCells();
        long now = System.nanoTime();
        if (samples.isEmpty() || now - samples.peekLast()[0] >= SAMPLE) {
            samples.add(new long[] {now, tokens});
        }
        forget(now);
    }

    private void forget(long now) {
        while (samples.size() > 1 && now - samples.peekFirst()[0] > WINDOW) {
            samples.poll();
        }
    }

    synchronized ServiceStats stats(long requests, int queued, long errors) {
        long now = System.nanoTime();
        forget(now);
        double rate = 0;
        long[] first = samples.peekFirst();
        if (first != null && now - first[0] <= WINDOW && now > first[0]) {
            rate = (tokens - first[1]) / ((now - first[0]) / 1e9);
        }
        return new ServiceStats(requests, results, tokens, rate, queued, active, kvCells, errors);
    }
}
