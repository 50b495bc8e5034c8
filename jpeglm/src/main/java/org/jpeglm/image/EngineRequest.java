package org.jpeglm.image;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.jpeglm.SamplingParams;

/**
 * One request inside the {@link BatchEngine}: its images still to start, how they are sampled, the listener of their
 * events and the future of its result. The engine's thread does everything but {@link #cancel()}.
 */
final class EngineRequest {
    private final List<ImageJob> jobs;
    private final SamplingParams sampling;
    private final boolean constrained;
    private final int maxTokens;
    private final PreviewPolicy previews;
    private final ImageListener listener;
    private final GeneratedImage[] images;
    private final CompletableFuture<List<GeneratedImage>> future = new CompletableFuture<>();
    private volatile boolean cancelRequested;
    private int started;
    private int finished;

    /**
     * @param maxTokens most tokens generated per image (already within the context)
     */
    EngineRequest(
            List<ImageJob> jobs,
            SamplingParams sampling,
            boolean constrained,
            int maxTokens,
            PreviewPolicy previews,
            ImageListener listener) {
        this.jobs = List.copyOf(jobs);
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        this.constrained = constrained;
        this.maxTokens = maxTokens;
        this.previews = Objects.requireNonNull(previews, "previews");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.images = new GeneratedImage[this.jobs.size()];
        if (images.length == 0) {
            future.complete(List.of());
        }
    }

    SamplingParams sampling() {
        return sampling;
    }

    boolean constrained() {
        return constrained;
    }

    int maxTokens() {
        return maxTokens;
    }

    PreviewPolicy previews() {
        return previews;
    }

    CompletableFuture<List<GeneratedImage>> future() {
        return future;
    }

    /** Images not started yet. */
    int waiting() {
        return jobs.size() - started;
    }

    /** The next image to start; only while {@link #waiting()} is positive. */
    ImageJob next() {
        return jobs.get(started++);
    }

    /** Asks the engine to stop this request at its next round; any thread. */
    void cancel() {
        cancelRequested = true;
    }

    /** Whether the engine should drop this request's images: cancelled or failed. */
    boolean stopped() {
        return cancelRequested || future.isDone();
    }

    /** Whether every image is finished (the result may not be handed out yet). */
    boolean allFinished() {
        return finished == images.length;
    }

    /** Hands an event to the listener; one that throws cancels this request (and only it). */
    void emit(ImageEvent event) {
        if (future.isDone()) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException | Error e) { // e.g. a client gone: its request ends, the batch goes on
            cancelRequested = true;
            CancellationException c = new CancellationException("the listener threw " + e);
            c.initCause(e);
            future.completeExceptionally(c);
        }
    }

    /** An image is done: its event; true when it was the last (then {@link #complete()} hands the result out). */
    boolean finished(GeneratedImage image) {
        images[image.index()] = image;
        finished++;
        emit(new ImageEvent.Finished(image));
        return finished == images.length;
    }

    /** Completes the future with every image, unless it failed or was cancelled first. */
    void complete() {
        future.complete(List.of(images));
    }

    /** Ends the request with an error, or cancelled; its images are dropped at the engine's next round. */
    void fail(Throwable error) {
        cancelRequested = true;
        future.completeExceptionally(error);
    }

    /** Ends a request stopped by {@link #cancel()} whose future is not complete yet. */
    void cancelled() {
        future.completeExceptionally(new CancellationException("cancelled"));
    }

    @Override
    public String toString() {
        return "EngineRequest[" + images.length + " images, " + finished + " done"
                + (cancelRequested ? ", stopped" : "") + ", " + started + " started]";
    }
}
