package org.jpeglm.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.jpeglm.SamplingParams;

/**
 * One request inside the {@link BatchEngine}: its streams still to start, how they are sampled, the codec that
 * writes them, the listener of their events and the future of its result. The engine's thread does everything but
 * {@link #cancel()}.
 *
 * @param <R> the result of one stream
 * @param <E> the events its listener receives
 */
public final class EngineRequest<R, E> {
    private final List<StreamJob> jobs;
    private final SamplingParams sampling;
    private final boolean constrained;
    private final int maxTokens;
    private final RequestWriter<R, E> writer;
    private final Consumer<? super E> listener;
    private final BiFunction<Integer, R, E> finishedEvent;
    private final List<R> results;
    private final CompletableFuture<List<R>> future = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    private volatile Throwable listenerError;
    private int started;
    private int finished;

    /**
     * @param sampling how tokens are drawn (each stream with its job's seed)
     * @param constrained whether a sampled token the slot's grammar refuses is sampled again under its mask
     * @param maxTokens most tokens generated per stream (0 or less: as many as the context leaves)
     * @param writer its codec's part: follows each stream and makes its result
     * @param listener receives the streams' events on the engine's thread
     * @param finishedEvent the event that hands a finished stream's result (and its index) to the listener
     */
    public EngineRequest(
            List<StreamJob> jobs,
            SamplingParams sampling,
            boolean constrained,
            int maxTokens,
            RequestWriter<R, E> writer,
            Consumer<? super E> listener,
            BiFunction<Integer, R, E> finishedEvent) {
        this.jobs = List.copyOf(jobs);
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        this.constrained = constrained;
        this.maxTokens = maxTokens;
        this.writer = Objects.requireNonNull(writer, "writer");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.finishedEvent = Objects.requireNonNull(finishedEvent, "finishedEvent");
        this.results = new ArrayList<>(Collections.nCopies(this.jobs.size(), null));
        if (results.isEmpty()) {
            future.complete(List.of());
        }
    }

    SamplingParams sampling() {
        return sampling;
    }

    public boolean constrained() {
        return constrained;
    }

    /** Most tokens job may generate: the request's limit (if any) and what the context leaves after its prompt. */
    int budget(StreamJob job, int contextLength) {
        int left = contextLength - job.prompt().length;
        return maxTokens > 0 ? Math.min(maxTokens, left) : left;
    }

    RequestWriter<R, E> writer() {
        return writer;
    }

    public CompletableFuture<List<R>> future() {
        return future;
    }

    /** Streams not started yet. */
    public int waiting() {
        return jobs.size() - started;
    }

    /** The next stream to start; only while {@link #waiting()} is positive. */
    StreamJob next() {
        return jobs.get(started++);
    }

    /** Asks the engine to stop this request at its next round; any thread. */
    public void cancel() {
        cancelRequested = true;
    }

    /** Whether the engine should drop this request's streams: cancelled or failed. */
    public boolean stopped() {
        return cancelRequested || future.isDone();
    }

    /**
     * What the listener threw, which stopped this request; null when it threw nothing. Kept here, not only as the
     * future's cause: {@code join()} wraps a CancellationException in a new one, so the cause a caller sees is not
     * the listener's.
     */
    Throwable listenerError() {
        return listenerError;
    }

    /** Whether every stream is finished (the result may not be handed out yet). */
    boolean allFinished() {
        return finished == results.size();
    }

    /** Hands an event to the listener; one that throws cancels this request (and only it). */
    public void emit(E event) {
        if (future.isDone()) {
            return;
        }
        try {
            listener.accept(event);
        } catch (RuntimeException | Error e) { // e.g. a client gone: its request ends, the batch goes on
            listenerError = e;
            cancelRequested = true;
            CancellationException c = new CancellationException("the listener threw " + e);
            c.initCause(e);
            future.completeExceptionally(c);
        }
    }

    /** Stream index is done: its event; true when it was the last (then {@link #complete()} hands the result out). */
    boolean finished(int index, R result) {
        results.set(index, result);
        finished++;
        emit(finishedEvent.apply(index, result));
        return finished == results.size();
    }

    /** Completes the future with every result, unless it failed or was cancelled first. */
    void complete() {
        future.complete(List.copyOf(results));
    }

    /** Ends the request with an error, or cancelled; its streams are dropped at the engine's next round. */
    public void fail(Throwable error) {
        cancelRequested = true;
        future.completeExceptionally(error);
    }

    /** Ends a request stopped by {@link #cancel()} whose future is not complete yet. */
    public void cancelled() {
        future.completeExceptionally(new CancellationException("cancelled"));
    }

    @Override
    public String toString() {
        return "EngineRequest[" + results.size() + " streams, " + finished + " done"
                + (cancelRequested ? ", stopped" : "") + ", " + started + " started]";
    }
}
