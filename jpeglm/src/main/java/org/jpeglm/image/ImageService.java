package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jpeglm.Session;
import org.jpeglm.ThreadCounts;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.StreamWriter;
import org.jpeglm.engine.BatchEngine;
import org.jpeglm.engine.CodecWriter;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.Scoring;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamPrompts;
import org.jpeglm.engine.TokenTable;

/**
 * One model's continuously batched image service. Thread-safe: requests from any thread join the running batch at
 * the next step. It owns one llama.cpp context of {@link ServiceOptions#parallel()} sequences and one scheduler
 * thread that steps every busy sequence together; a request's images wait (first come, first served) for free
 * sequences, and each image's events go to its request's {@link ImageListener} on that thread. {@link #score}
 * requests take free sequences too, ahead of waiting images (a score is one evaluation).
 *
 * <p><b>What a seed guarantees.</b> Image i of a request is sampled with the request's parameters and the seed
 * {@link ImageGenerator} gives image i of the same seed, its sampler restarted from it. What else must be equal for
 * the same bytes (always: the same build of jpeglm and llama.cpp, the same model file, the same device and CPU
 * variant, the same thread count):
 *
 * <ul>
 *   <li>By default: the same parallel count and the same company in the batch — the same request run alone gives
 *       the same bytes on every run, and the same as {@link ImageGenerator} with the same parallel count (that is
 *       {@code jpeglm generate -np N} against {@code jpeglm serve -np N}). Another parallel count, or other requests
 *       stepping beside it, may change an image: llama.cpp evaluates a lone sequence's one token with another kernel
 *       than two or more, whose float sums round differently, and one flipped token sends the image its own way.
 *   <li>{@link ServiceOptions#deterministic()} ({@code --deterministic}): on the CPU, an image generated from nothing
 *       gets the same bytes whatever the parallel count and whatever other requests share the batch: every run of
 *       consecutive sequences in a step is evaluated with two tokens or more (a lone one gets an idle neighbour), so
 *       each sequence's float sums are the same in every batch (docs/architecture.md, "What a seed guarantees", has
 *       the measurements). It costs speed where few sequences step (docs/benchmarks.md).
 *   <li>Completions, in either mode: a completion's prompt is evaluated together with the prompts starting beside
 *       it, so it is guaranteed its bytes only when the same images start together — its request run alone with
 *       the same parallel count.
 *   <li>GPU offload picks kernels by batch size, which neither mode covers: there, only the same request run alone
 *       with the same parallel count repeats its bytes.
 * </ul>
 */
public final class ImageService implements AutoCloseable {
    private final ImagePrompts prompts;
    private final Codec<BufferedImage, GeneratedImage> codec;
    private final StreamWriter streams; // the scheduler's: its masks are cached per session
    private final ServiceOptions options;
    private final Session session;
    private final BatchEngine<GeneratedImage> engine;
    private final int contextLength;
    private final Thread scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<EngineRequest<GeneratedImage, ImageEvent>> inbox =
            new ArrayList<>(); // submitted, not yet in the engine (under lock)
    private final List<ScoreQueue.Request> scoreInbox = new ArrayList<>(); // the same for scores (under lock)
    private final ScoreQueue scores = new ScoreQueue(); // the scheduler's
    private final BpeTokenizer tokenizer;
    private final AtomicInteger queued = new AtomicInteger(); // images submitted and not yet started
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final ServiceMeter meter = new ServiceMeter();
    private boolean closed; // under lock
    private volatile ThreadCounts threads;
    private long threadsRead = System.nanoTime(); // scheduler thread

    private ImageService(ImageModel model, ServiceOptions options) {
        TokenTable tokens =
                new TokenTable(model.spec().tokenizer(), model.model().vocabSize());
        this.options = options;
        this.tokenizer = model.spec().tokenizer();
        this.codec = model.codecModel().codec();
        this.streams = codec.newWriter(model.model().vocabSize());
        this.session = BatchEngine.newSession(model.model(), options.generation());
        try { // the rest takes the context the session was made with
            this.contextLength = session.contextLength();
            this.prompts = new ImagePrompts(codec, new StreamPrompts(tokenizer, tokens, contextLength, "image"));
            this.engine = new BatchEngine<>(session, options.generation(), tokens, images -> queued.addAndGet(-images));
            engine.clock(meter.clock());
            this.threads = session.threads();
        } catch (RuntimeException | Error e) {
            session.close(); // nothing may leak the native context
            throw e;
        }
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
                ? prompts.completion(request.prompts(), request.ratio(), request.seed())
                : prompts.generation(request.count(), request.seed());
        EngineRequest<GeneratedImage, ImageEvent> engineRequest = new EngineRequest<>(
                jobs,
                request.sampling(),
                request.constrained(),
                request.maxTokens(),
                new CodecWriter<>(streams, codec::finish, request.previews().previews(), ImageEvents.ENGINE),
                listener::onEvent,
                (index, image) -> new ImageEvent.Finished(image));
        reserve(request.count());
        try {
            enqueue(() -> inbox.add(engineRequest));
        } catch (IllegalStateException closed) {
            queued.addAndGet(-request.count());
            throw closed;
        }
        requests.incrementAndGet();
        countErrors(engineRequest.future());
        return new Task(engineRequest);
    }

    /**
     * The negative log-likelihood of each image under the model (images of another size are fitted first), scored
     * in the service's session between its steps: the images take free sequences as they come free, ahead of
     * waiting images. The images are encoded and tokenized on the calling thread.
     *
     * @throws IllegalArgumentException naming the image that does not fit in the model's context
     * @throws IllegalStateException after {@link #close()}
     */
    public CompletableFuture<List<Score>> score(List<BufferedImage> images) {
        Objects.requireNonNull(images, "images");
        return scoreStreams(images.stream().map(codec::encode).toList());
    }

    /**
     * {@link #score} of abbreviated streams of the model's profile. The future completes on the scheduler thread,
     * with {@link CancellationException} if the service closes first; cancelling it drops the images not yet scored.
     */
    public CompletableFuture<List<Score>> scoreStreams(List<byte[]> streams) {
        Objects.requireNonNull(streams, "streams");
        List<int[]> tokens = new ArrayList<>(streams.size());
        int[] bytes = new int[streams.size()];
        for (int i = 0; i < streams.size(); i++) {
            tokens.add(Scoring.tokens(tokenizer, streams.get(i), "image", i, contextLength));
            bytes[i] = streams.get(i).length;
        }
        if (tokens.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        ScoreQueue.Request request = new ScoreQueue.Request(tokens, bytes);
        enqueue(() -> scoreInbox.add(request));
        countErrors(request.future());
        return request.future();
    }

    /** Counts future among the errors if it fails by an error (not a cancellation). */
    private void countErrors(CompletableFuture<?> future) {
        future.whenComplete((result, error) -> {
            Throwable cause = error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
            if (cause != null && !(cause instanceof CancellationException)) {
                errors.incrementAndGet();
            }
        });
    }

    /** Runs add under the lock and wakes the scheduler; refuses once closed. */
    private void enqueue(Runnable add) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the image service is closed");
            }
            add.run();
            work.signal();
        } finally {
            lock.unlock();
        }
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

    /**
     * The CPU threads the service's session uses, and how they were chosen; read by the scheduler thread at most once
     * a second while it runs (automatic counts are tuned as it runs).
     */
    public ThreadCounts threads() {
        return threads;
    }

    /** Reads the session's thread counts again once a second, on the scheduler thread (which owns the session). */
    private void refreshThreads() {
        long now = System.nanoTime();
        if (now - threadsRead > 1_000_000_000L) {
            threadsRead = now;
            threads = session.threads();
        }
    }

    public ServiceStats stats() {
        return meter.stats(requests.get(), queued.get(), errors.get());
    }

    /** The scheduler thread: takes new requests in, runs rounds while there is work, sleeps when there is none. */
    private void schedule() {
        try {
            while (takeNewRequests()) {
                try {
                    scores.run(session, engine.freeSequences());
                    engine.round(() -> meter.roundDone(engine));
                    refreshThreads();
                } catch (RuntimeException | Error e) { // a native call failed: the session is intact, the next run
                    engine.failAll(e);
                    meter.roundDone(engine); // the round's own report still counted the failed images' sequences
                }
            }
        } finally {
            engine.failAll(new CancellationException("the image service is closed"));
            scores.failAll(new CancellationException("the image service is closed"));
            meter.roundDone(engine);
        }
    }

    /** Moves submitted requests into the engine, waiting while there is nothing to do; false once closed. */
    private boolean takeNewRequests() {
        lock.lock();
        try {
            while (!closed && inbox.isEmpty() && scoreInbox.isEmpty() && !engine.busy() && scores.isEmpty()) {
                work.awaitUninterruptibly();
            }
            scoreInbox.forEach(scores::add);
            scoreInbox.clear();
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
            scoreInbox.forEach(
                    r -> r.future().completeExceptionally(new CancellationException("the image service is closed")));
            scoreInbox.clear();
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
