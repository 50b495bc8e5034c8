package org.jpeglm.engine;

/**
 * What every codec's slot keeps the same way: its job and request, its token budget, how many tokens it generated,
 * and how far the forced bytes of token healing are written. A codec's slot extends it with what its bytes mean.
 *
 * @param <R> the result of the stream
 * @param <E> the events its request's listener receives
 */
public abstract class SlotBase<R, E> implements StreamSlot<R> {
    private final StreamJob job;
    private final EngineRequest<R, E> request;
    private final int budget; // most tokens it may generate: the request's limit and what the context leaves
    private final long started = System.nanoTime();
    private int forcedAt;
    private int generated;

    protected SlotBase(StreamJob job, EngineRequest<R, E> request, int contextLength) {
        this.job = job;
        this.request = request;
        this.budget = request.budget(job, contextLength);
    }

    @Override
    public final StreamJob job() {
        return job;
    }

    @Override
    public final EngineRequest<R, E> request() {
        return request;
    }

    @Override
    public final int length() {
        return job.prompt().length + generated;
    }

    @Override
    public final boolean forcing() {
        return forcedAt < job.forced().length;
    }

    /** Where the forced bytes still to write start. */
    protected final int forcedAt() {
        return forcedAt;
    }

    /** Tokens generated so far (prompt excluded). */
    protected final int generated() {
        return generated;
    }

    /** Counts a sampled token whose bytes are b (none for EOS). */
    protected final void took(byte[] b) {
        generated++;
        forcedAt = Math.min(job.forced().length, forcedAt + b.length);
    }

    /** Whether the token budget is spent. */
    protected final boolean budgetSpent() {
        return generated >= budget;
    }

    /** Nanoseconds since the slot started. */
    protected final long elapsedNanos() {
        return System.nanoTime() - started;
    }
}
