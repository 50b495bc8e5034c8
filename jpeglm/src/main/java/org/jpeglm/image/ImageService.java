package org.jpeglm.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jpeglm.Session;
import org.jpeglm.engine.BatchEngine;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.TokenTable;

/**
 * One model's continuously batched image service. Thread-safe: requests from any thread join the running batch at
 * the next step. It owns one llama.cpp context of {@link ServiceOptions#parallel()} sequences and one scheduler
 * thread that steps every busy sequence together; a request's images wait (first come, first served) for free
 * sequences, and each image's events go to its request's {@link ImageListener} on that thread.
 *
 * <p><b>What a seed guarantees.</b> Image i of a request is sampled with the request's parameters and the seed
 * {@link ImageGenerator} gives image i of the same seed, its sampler restarted from it. On the CPU, with the same
 * build of jpeglm and llama.cpp, the same model file and the same CPU variant, an image generated from nothing gets
 * the same bytes whatever the parallel count and whatever other requests share the batch: every run of consecutive
 * sequences in a step is evaluated with two tokens or more, so each sequence's float sums are the same in every
 * batch (docs/architecture.md, "What a seed guarantees", has the measurements). The exceptions: a completion's
 * prompt is evaluated with the prompts starting beside it, so a completion is guaranteed its bytes only when its
 * request runs alone with the same parallel count; and GPU offload picks kernels by batch size, which this does not
 * cover.
 */
public final class ImageService implements AutoCloseable {
    private final ImagePrompts prompts;
    private final StreamTools tools;
    private final ServiceOptions options;
    private final Session session;
    private final BatchEngine<GeneratedImage> engine;
    private final int contextLength;
    private final Thread scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<EngineRequest<GeneratedImage, ImageEvent>> inbox =
            new ArrayList<>(); // submitted, not yet in the engine (under lock)
    private final AtomicInteger queued = new AtomicInteger(); // images submitted and not yet started
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final ServiceMeter meter = new ServiceMeter();
    private boolean closed; // under lock

    private ImageService(ImageModel model, ServiceOptions options) {
        TokenTable tokens =
                new TokenTable(model.spec().tokenizer(), model.model().vocabSize());
        this.options = options;
        this.contextLength = BatchEngine.contextLength(model.model());
        this.prompts = new ImagePrompts(model.spec(), tokens, contextLength);
        this.tools = StreamTools.of(model, tokens);
        this.session = BatchEngine.newSession(
                model.model(), options.parallel(), options.threads(), options.batchSize(), contextLength);
        this.engine = new BatchEngine<>(
                session, options.parallel(), tokens, contextLength, images -> queued.addAndGet(-images));
        engine.clock(meter.clock());
        this.scheduler =
                Thread.ofPlatform().name("jpeglm-image-service").daemon().unstarted(this::schedule);
    }

    /** Starts a service on model: one session, one scheduler thread. Close it before the model. */
    public static ImageService start(ImageModel model, ServiceOptions options) {
        ImageService service =
                new ImageService(Objects.requireNonNull(model, "model"), Objects.requireNonNull(options, "options"));
        service.scheduler.start();
        return service;
    }

    public ServiceOptions options() {
        return options;
    }

    /** Most tokens one image may take (prompt included): the model's context length. */
    public int contextLength() {
        return contextLength;
    }

    /**
     * Queues the request's images. Completion prompts are encoded on the calling thread.
     *
     * @throws ServiceBusyException when more than {@link ServiceOptions#maxQueuedImages()} images would wait
     * @throws IllegalArgumentException naming the problem, for a request the model cannot serve (more images than
     *     the queue holds, a prompt that fills the context)
     * @throws IllegalStateException after {@link #close()}
     */
    public ImageTask submit(ImageRequest request, ImageListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (request.count() > options.maxQueuedImages()) {
            throw new IllegalArgumentException("the request has " + request.count()
                    + " images, more than the service queues (" + options.maxQueuedImages() + ")");
        }
        List<StreamJob> jobs = request.isCompletion()
                ? prompts.completion(request.prompts(), request.ratio(), request.seed(), () -> {})
                : prompts.generation(request.count(), request.seed());
        EngineRequest<GeneratedImage, ImageEvent> engineRequest = new EngineRequest<>(
                jobs,
                request.sampling(),
                request.constrained(),
                ImageGenerator.maxTokens(request.maxTokens(), contextLength),
                tools.codec(request.previews()),
                listener::onEvent,
                ImageEvent.Finished::new);
        reserve(request.count());
        lock.lock();
        try {
            if (closed) {
                queued.addAndGet(-request.count());
                throw new IllegalStateException("the image service is closed");
            }
            inbox.add(engineRequest);
            requests.incrementAndGet();
            work.signal();
        } finally {
            lock.unlock();
        }
        return new Task(engineRequest);
    }

    /** Counts count more queued images, or refuses them when the queue would overflow. */
    private void reserve(int count) {
        int max = options.maxQueuedImages();
        int now;
        do {
            now = queued.get();
            if (now + count > max) {
                throw new ServiceBusyException(
                        now + " images are waiting; " + count + " more would exceed the queue of " + max);
            }
        } while (!queued.compareAndSet(now, now + count));
    }

    public ServiceStats stats() {
        return meter.stats(requests.get(), queued.get(), errors.get());
    }

    /** The scheduler thread: takes new requests in, runs rounds while there is work, sleeps when there is none. */
    private void schedule() {
        try {
            while (takeNewRequests()) {
                try {
                    engine.round(() -> meter.roundDone(engine));
                } catch (RuntimeException | Error e) { // the session is intact: the next requests run
                    if (!isClosed()) {
                        errors.addAndGet(engine.requests());
                    }
                    engine.failAll(e);
                }
            }
        } finally {
            engine.failAll(new CancellationException("the image service is closed"));
            meter.roundDone(engine);
        }
    }

    /** Moves submitted requests into the engine, waiting while there is nothing to do; false once closed. */
    private boolean takeNewRequests() {
        lock.lock();
        try {
            while (!closed && inbox.isEmpty() && !engine.busy()) {
                work.awaitUninterruptibly();
            }
            for (EngineRequest<GeneratedImage, ImageEvent> r : inbox) {
                if (r.stopped()) { // cancelled before it reached the engine
                    queued.addAndGet(-r.waiting());
                    r.cancelled();
                } else {
                    engine.add(r);
                }
            }
            inbox.clear();
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels every task (their futures complete with CancellationException), joins the thread, frees the session. */
    @Override
    public void close() {
        if (Thread.currentThread() == scheduler) {
            throw new IllegalStateException("an image service cannot be closed from its own listener");
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (EngineRequest<GeneratedImage, ImageEvent> r : inbox) {
                r.fail(new CancellationException("the image service is closed"));
            }
            inbox.clear();
            session.cancel(); // a long prompt evaluation stops at once
            work.signal();
        } finally {
            lock.unlock();
        }
        joinScheduler();
        session.close();
    }

    private void joinScheduler() {
        boolean interrupted = false;
        while (true) {
            try {
                scheduler.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the session may only be freed once the thread is done with it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A submitted request as its caller sees it. */
    private final class Task implements ImageTask {
        private final EngineRequest<GeneratedImage, ImageEvent> request;

        Task(EngineRequest<GeneratedImage, ImageEvent> request) {
            this.request = request;
            // Cancelling the future cancels the task (the engine completes it at once, nothing else happens then).
            request.future().whenComplete((images, error) -> {
                if (request.future().isCancelled()) {
                    cancel();
                }
            });
        }

        @Override
        public CompletableFuture<List<GeneratedImage>> result() {
            return request.future();
        }

        @Override
        public void cancel() {
            request.cancel();
            lock.lock();
            try {
                work.signal();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean isDone() {
            return request.future().isDone();
        }
    }
}
