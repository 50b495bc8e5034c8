package org.jpeglm.serve;

import io.javalin.Javalin;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.function.BiFunction;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Generated;
import org.jpeglm.codec.Service;
import org.jpeglm.codec.ServiceStats;
import org.jpeglm.image.GeneratedImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jpeglm's HTTP server: one model of any codec it knows, one continuously batched {@link Service} shared by every
 * request, one set of handlers for every codec; for an image model (codec jpeg, or a pixel model: igpt, bpe-igpt) the
 * image endpoints (generations, completions, scores; JSON or Server-Sent Events), models, health, readiness,
 * Prometheus metrics, and the web page at {@code /}; for a video model (h264) the video endpoints (finished videos as
 * MP4, GIF or H.264; completions and scores of uploaded videos) with the same models, health, readiness and metrics.
 * {@link #shutdown()} drains it: no new work, the running requests given
 * {@link ServeOptions#drainTime()} to finish, the rest cancelled, each with a last answer. Closing it does the same
 * without the wait; the model stays the caller's.
 */
public final class ImageServer implements AutoCloseable {
    /** How long cancelled requests may take to write their last answer (a status, or a stream's error event). */
    private static final Duration LAST_WORDS = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ImageServer.class);

    private final Service<?, ?> service;
    private final Javalin app;
    private final Drain drain;
    private final ServeOptions options;
    private final Object stopping = new Object();
    private boolean stopped; // guarded by stopping

    private ImageServer(Service<?, ?> service, Javalin app, Drain drain, ServeOptions options) {
        this.service = service;
        this.app = app;
        this.drain = drain;
        this.options = options;
    }

    /**
     * Starts serving model as options say; returns once the port is bound. The codec its file names chooses the
     * routes: jpeg, igpt and bpe-igpt models at the image routes (generations, completions and scores: JPEG or PNG
     * images, streams with previews; a pixel model's PNG only, scores in bits per pixel, JPEG-only fields refused by
     * name), h264 models at the video routes ({@code POST /v1/videos/generations}, completions and scores: finished
     * videos as MP4, GIF or H.264; the image endpoints answer 404 pointing there). A port in use or a bad host is an
     * {@link UncheckedIOException} naming it ({@link ServerBinding} finds those before a model is loaded); a codec the
     * server does not serve is an {@link IllegalArgumentException} naming it.
     */
    public static ImageServer start(CodecModel<?, ?> model, ServeOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        try {
            return ServerBinding.bind(options).start(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Serves model on channel, bound as options say; the server owns the channel, closed also when this fails. */
    static ImageServer start(CodecModel<?, ?> model, ServeOptions options, ServerSocketChannel channel) {
        ServedCodec.Serving<?, ?> serving;
        try {
            serving = ServedCodec.of(model, options.service(), options);
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, e);
            throw e;
        }
        return start(serving, options, channel);
    }

    /** Starts serving's service, then the routes over it. */
    private static <A, R extends Generated> ImageServer start(
            ServedCodec.Serving<A, R> serving, ServeOptions options, ServerSocketChannel channel) {
        HeapBudget heap;
        Service<A, R> service;
        try {
            heap = HeapBudget.ofFreeHeap();
            service = serving.model().newService(serving.options());
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, e);
            throw e;
        }
        ServedModel served = serving.facts().apply(service.contextLength());
        ServedCodec<A, R> codec = serving.form().apply(served);
        // the context a result may take is the service's
        checkStarted(() -> requireOneFits(codec, heap), service, channel);
        return start(
                served,
                service,
                options,
                channel,
                (metrics, drain) -> handlers(new Served<>(service, codec, served, options, metrics, heap), drain));
    }

    /** The routes' handlers over one served model: its generations and scores, and what every server has. */
    private static <A, R extends Generated> Routes.Handlers handlers(Served<A, R> s, Drain drain) {
        ServeOptions options = s.options();
        return new Routes.Handlers(
                s.model(),
                new GenerationHandler<>(s),
                new ScoreHandler<>(s),
                new InfoHandler(s.service(), s.model(), options, s.metrics(), drain),
                new Auth(options.apiKey(), options.maxBodyBytes()),
                new SiteCheck(options.host(), options.allowedHosts()),
                drain,
                s.metrics());
    }

    /** The routes over a started service; the service is closed, and the channel, when this fails. */
    private static ImageServer start(
            ServedModel served,
            Service<?, ?> service,
            ServeOptions options,
            ServerSocketChannel channel,
            BiFunction<Metrics, Drain, Routes.Handlers> handlers) {
        try {
            Metrics metrics = new Metrics(new HashSet<>(Routes.ENDPOINTS), served.id());
            Drain drain = new Drain();
            Routes.Handlers h = handlers.apply(metrics, drain);
            Javalin app = Javalin.create(config -> {
                Routes.configure(config, options, h);
                config.jetty.addConnector((server, http) -> connector(server, http, options, channel));
            });
            app.start();
            return new ImageServer(service, app, drain, options);
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, e);
            service.close();
            throw e;
        }
    }

    /** Runs check on a started service; when it fails, the service and the channel are closed. */
    private static void checkStarted(Runnable check, Service<?, ?> service, ServerSocketChannel channel) {
        try {
            check.run();
        } catch (RuntimeException e) {
            closeQuietly(channel, e);
            service.close();
            throw e;
        }
    }

    /** Jetty's HTTP connector on the channel bound already. */
    private static ServerConnector connector(
            Server server, HttpConfiguration http, ServeOptions options, ServerSocketChannel channel) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        try {
            connector.open(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return connector;
    }

    private static void closeQuietly(ServerSocketChannel channel, Throwable failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** Refuses a model whose one result (with its answer) is more than the heap kept for requests can hold. */
    private static void requireOneFits(ServedCodec<?, ?> codec, HeapBudget heap) {
        requireOneFits(codec.bytesPerResult(codec.formats().getFirst()), codec.one(), heap);
    }

    private static void requireOneFits(long one, String what, HeapBudget heap) {
        if (one > heap.total()) {
            throw new IllegalArgumentException("one " + what + " holds about " + HeapBudget.size(one)
                    + " in memory until answered, more than this server could keep for requests ("
                    + HeapBudget.size(heap.total()) + " of its Java heap); give it a larger heap, e.g."
                    + " JAVA_TOOL_OPTIONS=-Xmx" + HeapBudget.suggestedHeapGiB(one) + "g");
        }
    }

    /** The shared service's counters now: requests, images, tokens/s, queue, sequences at work. */
    public ServiceStats stats() {
        return service.stats();
    }

    /** Its service, as a jpeg model's, for tests that must hold the scheduler still. */
    @SuppressWarnings("unchecked") // the tests that call it serve a jpeg model
    Service<BufferedImage, GeneratedImage> service() {
        return (Service<BufferedImage, GeneratedImage>) service;
    }

    /** API requests being handled now, for tests that must know a request has reached its handler. */
    int requestsInFlight() {
        return drain.inFlight();
    }

    /** The port it listens on (the one chosen when options asked for 0). */
    public int port() {
        return app.port();
    }

    /** The address of its page, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri(String host) {
        return URI.create("http://" + hostPort(host, port()) + "/");
    }

    /** host:port, an IPv6 address in brackets. */
    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** Whether it still takes new requests ({@code GET /ready} answers 200 when, besides, its queue has room). */
    public boolean accepting() {
        return !drain.draining();
    }

    /**
     * Drains and stops: from now on {@code /ready} answers 503 and new requests 503 "shutting down" (with Retry-After,
     * the connection closed); the requests running get {@link ServeOptions#drainTime()} to finish; those still running
     * then are cancelled, each answered (503, or a stream's {@code error} event); then it stops listening. Returns
     * when stopped; a second call returns at once.
     */
    public void shutdown() {
        stop(options.drainTime());
    }

    /** {@link #shutdown()} with no time to finish: running requests are cancelled at once, each answered. */
    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private void stop(Duration drainTime) {
        synchronized (stopping) {
            if (stopped) {
                return;
            }
            stopped = true;
            drain.start();
            boolean interrupted = false;
            try {
                if (!drain.awaitIdle(drainTime) && drainTime.isPositive()) {
                    LOG.warn(
                            "drained for {} s: cancelling the {} request(s) still running",
                            drainTime.toMillis() / 1000.0,
                            drain.inFlight());
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
            try {
                service.close(); // cancels the tasks still running: their handlers write a last answer and end
                drain.awaitIdle(LAST_WORDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } finally {
                app.stop();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
