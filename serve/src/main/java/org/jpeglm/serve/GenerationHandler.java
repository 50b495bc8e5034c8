package org.jpeglm.serve;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.Generated;
import org.jpeglm.codec.Request;
import org.jpeglm.codec.ServiceBusyException;
import org.jpeglm.codec.ServiceStats;
import org.jpeglm.codec.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/images/generations} and {@code /v1/images/completions} (jpeg, igpt, bpe-igpt), or
 * {@code /v1/videos/generations} and {@code /v1/videos/completions} (h264): submits the request to the shared service
 * and answers with JSON (or one file) when it is done, or streams its events as they happen (images). A client that
 * goes away is noticed at once and its task cancelled: {@link ClientWatch} watches the connection while the answer
 * waits or streams (and a failed write of a stream tells too, where it cannot watch). One handler serves every codec:
 * what differs is its {@link ServedCodec}.
 *
 * @param <A> the codec's artefact (a completion's prompts)
 * @param <R> the codec's result
 */
final class GenerationHandler<A, R extends Generated> {
    /** The status counted for a request whose client left before its answer (nginx's "client closed request"). */
    static final int CLIENT_CLOSED = 499;

    private static final Logger LOG = LoggerFactory.getLogger(GenerationHandler.class);

    private final Served<A, R> s;
    private final ResultJson<R> json;

    GenerationHandler(Served<A, R> served) {
        this.s = served;
        this.json = new ResultJson<>(served.codec(), served.model());
    }

    void generations(Context ctx) throws Exception {
        run(ctx, false);
    }

    void completions(Context ctx) throws Exception {
        run(ctx, true);
    }

    private void run(Context ctx, boolean completion) throws Exception {
        RequestFields fields = RequestFields.read(
                ctx, s.codec().fields(completion), s.options().maxBodyBytes());
        GenerationParams<A> params = GenerationParams.read(fields, completion, s);
        try (HeapBudget.Reservation reserved = reserve(params)) {
            generate(ctx, params);
        }
    }

    private void generate(Context ctx, GenerationParams<A> params) throws Exception {
        EventRelay<R> relay = new EventRelay<>(params.request().count(), params.updates());
        long started = System.nanoTime();
        Task<R> task = submit(params.request(), relay);
        // The task completes after its last event: the writer must not wait for another one before "done".
        task.result().whenComplete((images, error) -> relay.end());
        try {
            if (params.stream()) {
                stream(ctx, params, task, relay, started);
            } else {
                answer(ctx, params, task, started);
            }
        } finally {
            if (!task.isDone()) {
                task.cancel(); // the client went away, or this thread failed: free the sequences at the next step
            }
        }
    }

    /** The heap the request's results hold until it is answered, reserved (or the request refused). */
    private HeapBudget.Reservation reserve(GenerationParams<A> params) {
        long prompt = params.request().isCompletion() ? s.codec().decodedBytes() : 0;
        return s.heap()
                .reserve(
                        params.request().count(),
                        s.codec().bytesPerResult(params.format()) + prompt,
                        "n",
                        s.codec().noun() + "s of " + s.codec().shape(),
                        retryAfter(s.service().stats()));
    }

    /** request's task; a full queue answered 503, a request the model cannot serve 400, a closed service 503. */
    private Task<R> submit(Request<A> request, EventRelay<R> relay) {
        try {
            return s.service().submit(request, relay);
        } catch (ServiceBusyException e) {
            throw ApiException.busy(
                    "the queue is full (" + s.options().service().maxQueued() + " "
                            + s.service().codec().noun() + "s); retry later",
                    retryAfter(s.service().stats()));
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(null, e.getMessage());
        } catch (IllegalStateException closed) {
            throw Drain.shuttingDown();
        }
    }

    private void answer(Context ctx, GenerationParams<A> params, Task<R> task, long started) throws Exception {
        List<R> results;
        ClientWatch watch = ClientWatch.start(ctx.req(), leaving(task));
        try {
            results = await(task);
        } catch (ApiException e) {
            if (watch.clientGone()) {
                ctx.status(CLIENT_CLOSED); // nobody reads the answer: the status is for the metrics
                return;
            }
            throw e;
        } finally {
            watch.close(); // before the answer: Jetty must be free to read the connection after it
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        ctx.attribute(AccessLog.IMAGES, results.size());
        if (params.bytes()) {
            ctx.contentType(s.codec().mediaType(params.format()))
                    .header("X-Jpeglm-Seed", Long.toString(params.seed()))
                    .result(file(results.getFirst(), params));
        } else {
            ctx.contentType("application/json").result(Json.bytes(json.response(results, params, seconds)));
        }
    }

    /** The file of a bytes answer; a result that makes none is a 500 saying why and what to ask instead. */
    private byte[] file(R result, GenerationParams<A> params) {
        byte[] file = s.codec().file(result, params.format());
        if (file == null) {
            throw new ApiException(
                    500,
                    "output_format",
                    s.codec().noun() + " 0 (seed " + params.seed() + ") decoded to no " + params.format() + ": "
                            + s.codec().noFile(result, params.format()) + "; ask output_format \""
                            + s.codec().formats().getLast() + "\" for the stream as written");
        }
        return file;
    }

    private void stream(Context ctx, GenerationParams<A> params, Task<R> task, EventRelay<R> relay, long started)
            throws InterruptedException {
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream;charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no"); // a proxy in front must not hold events back
        Runnable gone = leaving(task);
        ClientWatch watch = ClientWatch.start(ctx.req(), gone); // a close is noticed at once, not at the next write
        try {
            SseStream sse = new SseStream(res.getOutputStream());
            sse.comment("seed " + params.seed()); // sends the headers now: the client knows it was accepted
            OpenAiEvents<R> openAi = params.openAiEvents() ? new OpenAiEvents<>(params, json) : null;
            int count = params.request().count();
            int sent = 0;
            // After the last image the task completes at once (the scheduler's same step): that image goes out with
            // the stream's end in one write rather than a flush of its own and another for the end.
            while (!task.isDone() && sent < count) {
                List<Event<R>> events = relay.take(s.options().keepAlive().toMillis(), TimeUnit.MILLISECONDS);
                if (!events.isEmpty()) {
                    sent += write(sse, events, params, openAi);
                    ctx.attribute(AccessLog.IMAGES, sent);
                    if (sent < count) {
                        sse.flush();
                    }
                } else if (!task.isDone()) { // not woken by the task's end: a quiet while
                    sse.comment("working");
                }
            }
            watch.close(); // before the answer's end: Jetty must be free to read the connection after it
            if (watch.clientGone()) {
                return;
            }
            sent += write(sse, relay.take(0, TimeUnit.MILLISECONDS), params, openAi); // goes with done
            ctx.attribute(AccessLog.IMAGES, sent);
            finish(sse, params, task, started);
        } catch (IOException e) {
            gone.run();
        } finally {
            watch.close();
        }
    }

    /**
     * What is done when task's client goes away, however that is noticed (the watch, a failed write, or both): the
     * task cancelled, the disconnect counted once.
     */
    private Runnable leaving(Task<R> task) {
        AtomicBoolean counted = new AtomicBoolean();
        return () -> {
            if (counted.compareAndSet(false, true)) {
                s.metrics().disconnected();
            }
            task.cancel();
        };
    }

    /** Writes events (jpeglm's, or OpenAI's when openAi is not null); returns how many were finished images. */
    private int write(SseStream sse, List<Event<R>> events, GenerationParams<A> params, OpenAiEvents<R> openAi)
            throws IOException {
        int finished = 0;
        for (Event<R> e : events) {
            if (openAi != null) {
                Optional<OpenAiEvents.Sse> event = openAi.of(e);
                if (event.isPresent()) {
                    sse.event(event.get().type(), event.get().data());
                }
            } else {
                switch (e) {
                    case Event.Progress<R> p -> sse.event("progress", json.progress(p));
                    case Event.Preview<R> p -> sse.event("preview", json.preview(p, params.format()));
                    case Event.Finished<R> f ->
                        sse.event(s.codec().noun(), json.result(f.result(), params.format(), params.seed()));
                }
            }
            if (e instanceof Event.Finished) {
                finished++;
            }
        }
        return finished;
    }

    /** The done event (none in OpenAI's stream), or an error event when the task failed after the stream began. */
    private void finish(SseStream sse, GenerationParams<A> params, Task<R> task, long started)
            throws IOException, InterruptedException {
        try {
            List<R> results = await(task);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!params.openAiEvents()) { // OpenAI's stream simply ends after its last image
                sse.event("done", json.done(results, params.seed(), seconds));
            }
        } catch (ApiException e) {
            sse.event("error", ErrorResponses.body(e.status(), e.field(), e.getMessage()));
        }
        sse.end();
    }

    /** The task's images; its failure as the answer the client gets. */
    private List<R> await(Task<R> task) throws InterruptedException {
        return await(task.result(), s.metrics(), "generation");
    }

    /** What future gives; its failure (what: the work that failed) as the answer the client gets. */
    static <T> T await(Future<T> future, Metrics metrics, String what) throws InterruptedException {
        try {
            return future.get();
        } catch (CancellationException e) {
            throw cancelled();
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause instanceof CancellationException) {
                throw cancelled();
            }
            if (cause instanceof IllegalArgumentException) {
                throw ApiException.badField(null, cause.getMessage());
            }
            metrics.failed();
            if (cause instanceof OutOfMemoryError) { // this request's alone: the service went on with the others
                LOG.warn("{} ran out of memory: {}", what, cause.getMessage());
                throw ApiException.busy(what + " ran out of memory (the Java heap is full); retry later", 5);
            }
            LOG.error("{} failed", what, cause);
            throw new ApiException(500, null, what + " failed: " + cause);
        }
    }

    /** The answer of a request the service cancelled (it closes only when the server shuts down). */
    private static ApiException cancelled() {
        return ApiException.busy("the request was cancelled: the server is shutting down; retry on another server", 1);
    }

    /** Seconds until the queue has room, estimated from the service's pace; 1 when it has none yet. */
    static int retryAfter(ServiceStats stats) {
        if (stats.done() == 0 || stats.tokensPerSecond() <= 0) {
            return 1;
        }
        double tokensPerImage = (double) stats.tokensGenerated() / stats.done();
        double seconds = stats.queued() * tokensPerImage / stats.tokensPerSecond();
        return (int) Math.min(60, Math.max(1, Math.ceil(seconds)));
    }
}
