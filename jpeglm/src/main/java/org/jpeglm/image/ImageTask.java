package org.jpeglm.image;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** One request submitted to an {@link ImageService}. */
public interface ImageTask {
    /**
     * The request's images in index order once all are done; completes exceptionally with
     * {@link java.util.concurrent.CancellationException} when the task is cancelled (by {@link #cancel()}, by its
     * listener throwing, or by closing the service) or with {@link org.jpeglm.JpeglmException} when the model
     * fails. Completed on the service's scheduler thread: dependent actions that take long belong on an executor
     * of their own ({@code thenApplyAsync}). Cancelling this future cancels the task.
     */
    CompletableFuture<List<GeneratedImage>> result();

    /** Stops the task: its sequences are freed at the next step; other tasks are not disturbed. */
    void cancel();

    /** Whether the task has finished, failed or been cancelled. */
    boolean isDone();
}
