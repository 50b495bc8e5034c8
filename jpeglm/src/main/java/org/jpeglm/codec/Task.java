package org.jpeglm.codec;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One request submitted to a {@link Service}.
 *
 * @param <R> the codec's result
 */
public interface Task<R> {
    /**
     * The request's results in index order once all are done; completes exceptionally with
     * {@link java.util.concurrent.CancellationException} when the task is cancelled (by {@link #cancel()}, by its
     * listener throwing, or by closing the service) or with the error that stopped it (a
     * {@link org.jpeglm.JpeglmException} when the model fails, an {@link java.io.UncheckedIOException} when a codec's
     * external decoder does). Completed on the service's own threads: dependent actions that take long belong on an
     * executor of their own ({@code thenApplyAsync}). Cancelling this future cancels the task.
     */
    CompletableFuture<List<R>> result();

    /** Stops the task: its sequences are freed at the next step; other tasks are not disturbed. */
    void cancel();

    /** Whether the task has finished, failed or been cancelled. */
    boolean isDone();
}
