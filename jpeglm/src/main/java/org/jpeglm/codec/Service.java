package org.jpeglm.codec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jpeglm.Session;
import org.jpeglm.ThreadCounts;
import org.jpeglm.engine.BatchEngine;
import org.jpeglm.engine.CodecWriter;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.Scoring;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamPrompts;
import org.jpeglm.engine.TokenTable;

/**
 * One model's continuously batched service, for any codec. Thread-safe: requests from any thread join the running
 * batch at the next step. It owns one llama.cpp context of {@link GenerationOptions#parallel()} sequences and one
 * scheduler thread that steps every busy sequence together; a request's results wait (first come, first served) for
 * free sequences, and each result's events go to its request's {@link Listener}. {@link #score} requests take free
 * sequences too, ahead of waiting results (a score is one evaluation). A codec that finishes its results off the
 * engine's thread (h264: an ffmpeg decode per video) has them finished on a pool of the service's own, so the
 * scheduler never waits for a decoder.
 *
 * <p><b>What a seed guarantees.</b> Result i of a request is sampled with the request's parameters and the seed
 * {@link Generator} gives result i of the same seed, its sampler restarted from it. What else must be equal for the
 * same bytes (always: the same build of jpeglm and llama.cpp, the same model file, the same device and CPU variant,
 * the same thread count):
 *
 * <ul>
 *   <li>By default: the same parallel count and the same company in the batch — the same request run alone gives
 *       the same bytes on every run, and the same as {@link Generator} with the same parallel count (that is
 *       {@code jpeglm generate -np N} against {@code jpeglm serve -np N}). Another parallel count, or other requests
 *       stepping beside it, may change a result: llama.cpp evaluates a lone sequence's one token with another kernel
 *       than two or more, whose float sums round differently, and one flipped token sends the result its own way.
 *   <li>{@link GenerationOptions#deterministic()} ({@code --deterministic}): on the CPU, a result generated from
 *       nothing gets the same bytes whatever the parallel count and whatever other requests share the batch: every run
 *       of consecutive sequences in a step is evaluated with two tokens or more (a lone one gets an idle neighbour), so
 *       each sequence's float sums are the same in every batch (docs/architecture.md, "What a seed guarantees", has
 *       the measurements). It costs speed where few sequences step (docs/benchmarks.md).
 *   <li>Completions, in either mode: a completion's prompt is evaluated together with the prompts starting beside
 *       it, so it is guaranteed its bytes only when the same results start together — its request run alone with
 *       the same parallel count.
 *   <li>GPU offload picks kernels by batch size, which neither mode covers: there, only the same request run alone
 *       with the same parallel count repeats its bytes.
 * </ul>
 *
 * @param <A> the codec's artefact: prompts and scored inputs
 * @param <R> the codec's result
 */
public final class Service<A, R> implements AutoCloseable {
    private final Codec<A, R> codec;
    private final StreamWriter streams; // the scheduler's: its masks are cached per session
    private final GenerationOptions options;
    private final Session session;
    private final BatchEngine<Object> engine; // makes results R, or Written for a codec finishing off the scheduler
    private final StreamPrompts prompts;
    private final ExecutorService finishers; // a codec finishing off the scheduler's; else null
    private final int contextLength;
    private final Thread scheduler;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final List<EngineRequest<Object, Runnable>> inbox =
            new ArrayList<>(); // submitted, not yet in the engine (under lock)
    private final List<ScoreQueue.Request> scoreInbox = new ArrayList<>(); // the same for scores (under lock)
    private final ScoreQueue scores = new ScoreQueue(); // the scheduler's
    private final Set<Job> open = ConcurrentHashMap.newKeySet(); // tasks not done yet: cancelled by close()
    private final AtomicInteger queued = new AtomicInteger(); // results submitted and not yet started
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final ServiceMeter meter = new ServiceMeter();
    private boolean closed; // under lock
    private volatile ThreadCounts threads;
    private long threadsRead = System.nanoTime(); // scheduler thread

    private Service(CodecModel<A, R> model, GenerationOptions options) {
        this.codec = model.codec();
        this.options = options;
        int vocabSize = model.model().vocabSize();
        TokenTable tokens = new TokenTable(codec.tokenizer(), vocabSize);
        this.streams = codec.newWriter(vocabSize);
        this.session = BatchEngine.newSession(model.model(), options, codec.finishesOffThread());
        try { // the rest takes the context the session was made with
            this.contextLength = session.contextLength();
            this.prompts = new StreamPrompts(codec.tokenizer(), tokens, contextLength, codec.noun());
            this.engine = new BatchEngine<>(session, options, tokens, started -> queued.addAndGet(-started));
            engine.clock(meter.clock());
            this.threads = session.threads();
            this.finishers = codec.finishesOffThread() ? codec.newFinishers() : null;
        } catch (RuntimeException | Error e) {
            session.close(); // nothing may leak the native context
            throw e;
        }
        this.scheduler = Thread.ofPlatform()
                .name("jpeglm-" + codec.noun() + "-service")
                .daemon()
                .unstarted(this::schedule);
    }

    /** Starts a service on model: one session, one scheduler thread. Close it before the model. */
    static <A, R> Service<A, R> start(CodecModel<A, R> model, GenerationOptions options) {
        Service<A, R> service = new Service<>(model, options);
        service.scheduler.start();
        return service;
    }

    public GenerationOptions options() {
        return options;
    }

    public Codec<A, R> codec() {
        return codec;
    }

    /** Most tokens one result may take (prompt included): the model's context length. */
    public int contextLength() {
        return contextLength;
    }

    /** A request for count results from nothing, its defaults this service's options'. */
    public Request.Builder<A> request(int count) {
        return Request.generate(count, options);
    }

    /** A request completing each of prompts from its first units as cut says, its defaults this service's options'. */
    public Request.Builder<A> completion(List<? extends A> prompts, Cut cut) {
        return Request.complete(prompts, cut, options);
    }

    /**
     * Queues the request's results. Completion prompts are encoded on the calling thread. The listener hears of each
     * result in order (progress, previews, then {@link Event.Finished}), on the scheduler thread, or for a codec that
     * finishes off it, the result on the thread that finished it (one call at a time per request); it must return
     * quickly, and an exception it throws cancels its own request only.
     *
     * @throws ServiceBusyException when more than {@link GenerationOptions#maxQueued()} results would wait
     * @throws IllegalArgumentException naming the problem, for a request the model cannot serve (more results than
     *     the queue holds, a cut outside the codec's range, a prompt that fills the context)
     * @throws IllegalStateException after {@link #close()}
     */
    public Task<R> submit(Request<A> request, Listener<R> listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        if (request.count() > options.maxQueued()) {
            throw new IllegalArgumentException("the request has " + request.count() + " " + codec.noun()
                    + "s, more than the service queues (" + options.maxQueued() + ")");
        }
        List<StreamJob> jobs =
                request.isCompletion() ? completion(request) : prompts.generation(request.count(), request.seed());
        Job job = new Job(request.count(), listener);
        Function<Written, Object> finish = finishers == null ? codec::finish : written -> written;
        EngineRequest<Object, Runnable> engineRequest = new EngineRequest<>(
                jobs,
                request.sampling(),
                request.constrained() && streams.hasGrammar(),
                request.maxTokens(),
                new CodecWriter<>(streams, finish, request.previews(), job),
                Runnable::run,
                job::finished);
        job.start(engineRequest);
        reserve(request.count());
        try {
            enqueue(() -> inbox.add(engineRequest));
        } catch (IllegalStateException closed) {
            queued.addAndGet(-request.count());
            throw closed;
        }
        requests.incrementAndGet();
        countErrors(job.result());
        return job;
    }

    private List<StreamJob> completion(Request<A> request) {
        List<byte[]> prefixes = Generator.prompts(codec, request.prompts(), request.cut(), () -> {});
        List<StreamJob> jobs = new ArrayList<>(prefixes.size());
        for (int i = 0; i < prefixes.size(); i++) {
            jobs.add(prompts.completion(i, request.seed(), prefixes.get(i)));
        }
        return jobs;
    }

    /**
     * The negative log-likelihood of each artefact under the model (fitted to the profile first where the codec
     * fits), scored in the service's session between its steps: the streams take free sequences as they come free,
     * ahead of waiting results. The artefacts are encoded and tokenized on the calling thread.
     *
     * @throws IllegalArgumentException naming the artefact that does not fit in the model's context
     * @throws IllegalStateException after {@link #close()}
     */
    public CompletableFuture<List<Score>> score(List<? extends A> artefacts) {
        Objects.requireNonNull(artefacts, "artefacts");
        return scoreStreams(artefacts.stream().map(codec::encode).toList());
    }

    /**
     * {@link #score} of streams of the model's profile. The future completes on the scheduler thread, with
     * {@link CancellationException} if the service closes first; cancelling it drops the streams not yet scored.
     */
    public CompletableFuture<List<Score>> scoreStreams(List<byte[]> streams) {
        Objects.requireNonNull(streams, "streams");
        List<int[]> tokens = new ArrayList<>(streams.size());
        int[] bytes = new int[streams.size()];
        for (int i = 0; i < streams.size(); i++) {
            tokens.add(Scoring.tokens(codec.tokenizer(), streams.get(i), codec.noun(), i, contextLength));
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
            Throwable cause = unwrap(error);
            if (cause != null && !(cause instanceof CancellationException)) {
                errors.incrementAndGet();
            }
        });
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
    }

    /** Runs add under the lock and wakes the scheduler; refuses once closed. */
    private void enqueue(Runnable add) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the " + codec.noun() + " service is closed");
            }
            add.run();
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Counts count more queued results, or refuses them when the queue would overflow. */
    private void reserve(int count) {
        int max = options.maxQueued();
        int now;
        do {
            now = queued.get();
            if (now + count > max) {
                throw new ServiceBusyException(now + " " + codec.noun() + "s are waiting; " + count
                        + " more would exceed the queue of " + max);
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
                    meter.roundDone(engine); // the round's own report still counted the failed results' sequences
                }
            }
        } finally {
            engine.failAll(closedError());
            scores.failAll(closedError());
            meter.roundDone(engine);
        }
    }

    private CancellationException closedError() {
        return new CancellationException("the " + codec.noun() + " service is closed");
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
            for (EngineRequest<Object, Runnable> r : inbox) {
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
            throw new IllegalStateException("a service cannot be closed from its own listener");
        }
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (EngineRequest<Object, Runnable> r : inbox) {
                r.fail(closedError());
            }
            inbox.clear();
            scoreInbox.forEach(r -> r.future().completeExceptionally(closedError()));
            scoreInbox.clear();
            session.cancel(); // a long prompt evaluation stops at once
            work.signal();
        } finally {
            lock.unlock();
        }
        joinScheduler();
        if (finishers != null) {
            finishers.shutdownNow();
        }
        open.forEach(job -> job.fail(closedError())); // written, their results not finished yet
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

    /**
     * A submitted request as its caller sees it, and its listener's events as the engine makes them. Its result
     * completes once the engine has written every stream and every result is finished (on the scheduler, or on the
     * service's finishing pool).
     */
    private final class Job implements Task<R>, CodecWriter.Events<Runnable> {
        private final Listener<R> listener;
        private final List<R> results;
        private final CompletableFuture<List<R>> result = new CompletableFuture<>();
        private EngineRequest<Object, Runnable> request;
        private int finished; // guarded by this
        private boolean written; // the engine is done with every stream; guarded by this

        Job(int count, Listener<R> listener) {
            this.listener = listener;
            this.results = new ArrayList<>(Collections.nCopies(count, null));
        }

        void start(EngineRequest<Object, Runnable> request) {
            this.request = request;
            open.add(this);
            request.future().whenComplete((streams, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    synchronized (this) {
                        written = true;
                        completeIfDone();
                    }
                }
            });
            result.whenComplete((r, error) -> {
                open.remove(this);
                if (result.isCancelled()) { // cancelling the future cancels the task
                    cancel();
                }
            });
        }

        @Override
        public Runnable progress(int index, int tokens, int units, int totalUnits) {
            return () -> tell(new Event.Progress<>(index, tokens, units, totalUnits));
        }

        @Override
        public Runnable preview(int index, int units, int totalUnits, byte[] file) {
            return () -> tell(new Event.Preview<>(index, units, totalUnits, file));
        }

        /** The engine wrote stream index: its result (or the stream, to finish off the scheduler) handed on. */
        @SuppressWarnings("unchecked") // the engine gives back what the request's writer made: R, or Written
        Runnable finished(int index, Object made) {
            if (finishers == null) {
                return () -> done(index, (R) made);
            }
            return () -> finishOffThread((Written) made);
        }

        private synchronized void tell(Event<R> event) {
            if (!result.isDone()) {
                listener.onEvent(event);
            }
        }

        private synchronized void done(int index, R made) {
            if (result.isDone()) {
                return;
            }
            results.set(index, made);
            finished++;
            listener.onEvent(new Event.Finished<>(index, made));
            completeIfDone();
        }

        private void completeIfDone() {
            if (written && finished == results.size()) {
                result.complete(List.copyOf(results));
            }
        }

        /** Finishes written on the pool; a failure there, or of the listener then, ends this request alone. */
        private void finishOffThread(Written stream) {
            try {
                CompletableFuture.supplyAsync(() -> codec.finish(stream), finishers)
                        .whenComplete((made, error) -> {
                            if (error != null) {
                                fail(unwrap(error));
                                return;
                            }
                            try {
                                done(stream.index(), made);
                            } catch (RuntimeException | Error e) {
                                CancellationException c = new CancellationException("the listener threw " + e);
                                c.initCause(e);
                                fail(c);
                            }
                        });
            } catch (RejectedExecutionException e) { // the service is closing
                fail(closedError());
            }
        }

        void fail(Throwable error) {
            request.fail(error); // the engine drops its streams still running at the next round
            result.completeExceptionally(error);
        }

        @Override
        public CompletableFuture<List<R>> result() {
            return result;
        }

        @Override
        public void cancel() {
            request.cancel();
            if (request.future().isDone()) { // written: only finishing is left, which nothing else would stop
                result.completeExceptionally(new CancellationException("cancelled"));
            }
            wake();
        }

        @Override
        public boolean isDone() {
            return result.isDone();
        }
    }
}
