package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jpeglm.ThreadCounts;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Request;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.Service;
import org.jpeglm.codec.ServiceBusyException;
import org.jpeglm.codec.ServiceStats;
import org.jpeglm.codec.Task;

/**
 * One image model's continuously batched service: the codec-neutral {@link Service} of the jpeg codec, taking
 * {@link ImageRequest}s and telling {@link ImageEvent}s. Thread-safe; see {@link Service} for how requests share the
 * batch and what a seed guarantees. New code can use {@code model.codecModel().newService(options)}
 * directly.
 */
public final class ImageService implements AutoCloseable {
    private final Service<BufferedImage, GeneratedImage> service;
    private final GenerationOptions options;

    private ImageService(Service<BufferedImage, GeneratedImage> service, GenerationOptions options) {
        this.service = service;
        this.options = options;
    }

    /** Starts a service on model: one session, one scheduler thread. Close it before the model. */
    public static ImageService start(ImageModel model, GenerationOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        return new ImageService(model.codecModel().newService(options), options);
    }

    /** The codec-neutral service it wraps. */
    public Service<BufferedImage, GeneratedImage> service() {
        return service;
    }

    public GenerationOptions options() {
        return options;
    }

    /** Most tokens one image may take (prompt included): the model's context length. */
    public int contextLength() {
        return service.contextLength();
    }

    /**
     * Queues the request's images ({@link Service#submit}). Completion prompts are encoded on the calling thread.
     *
     * @throws ServiceBusyException when more than {@link GenerationOptions#maxQueued()} images would wait
     * @throws IllegalArgumentException naming the problem, for a request the model cannot serve (more images than
     *     the queue holds, a prompt that fills the context)
     * @throws IllegalStateException after {@link #close()}
     */
    public Task<GeneratedImage> submit(ImageRequest request, ImageListener listener) {
        Objects.requireNonNull(request, "request");
        return service.submit(requestOf(request), ImageEvents.listener(listener));
    }

    /** The image request as the codec-neutral one: a ratio is a share of the MCUs. */
    static Request<BufferedImage> requestOf(ImageRequest r) {
        return new Request<>(
                r.count(),
                r.seed(),
                r.sampling(),
                r.constrained(),
                r.maxTokens(),
                r.prompts(),
                r.isCompletion() ? Cut.share(r.ratio()) : null,
                r.previews().previews());
    }

    /** {@link Service#score}: images of another size are fitted first. */
    public CompletableFuture<List<Score>> score(List<BufferedImage> images) {
        return service.score(images);
    }

    /** {@link Service#scoreStreams}: abbreviated streams of the model's profile. */
    public CompletableFuture<List<Score>> scoreStreams(List<byte[]> streams) {
        return service.scoreStreams(streams);
    }

    /** {@link Service#threads()}. */
    public ThreadCounts threads() {
        return service.threads();
    }

    public ServiceStats stats() {
        return service.stats();
    }

    /** Cancels every task (their futures complete with CancellationException), joins the thread, frees the session. */
    @Override
    public void close() {
        service.close();
    }
}
