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
import java.util.function.Function;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Service;
import org.jpeglm.codec.ServiceStats;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * jpeglm's HTTP server: one model, one continuously batched {@link Service} shared by every request; for an image
 * model (codec jpeg, or a pixel model: igpt, bpe-igpt) the image endpoints (generations, completions, scores; JSON or Server-Sent Events), models, health, readiness, Prometheus
 * metrics, and the web page at {@code /}; for a video model {@code POST /v1/videos/generations} (finished videos as
 * MP4, GIF or H.264) with the same models, health, readiness and metrics. {@link #shutdown()} drains it: no new work, the running requests given
 * {@link ServeOptions#drainTime()} to finish, the rest cancelled, each with a last answer. Closing it does the same
 * without the wait; the model stays the caller's.
 */
public final class ImageServer implements AutoCloseable {
    /** How long cancelled requests may take to write their last answer (a status, or a stream's error event). */
    private static final Duration LAST_WORDS = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(ImageServer.class);

    private final Service<?, ?> service;
    private final Service<BufferedImage, GeneratedImage> images; // a jpeg model's; null for another codec's
    private final Javalin app;
    private final Drain drain;
    private final ServeOptions options;
    private final Object stopping = new Object();
    private boolean stopped; // guarded by stopping

    private ImageServer(
            Service<?, ?> service,
            Service<BufferedImage, GeneratedImage> images,
            Javalin app,
            Drain drain,
            ServeOptions options) {
        this.service = service;
        this.images = images;
        this.app = app;
        this.drain = drain;
        this.options = options;
    }

    /**
     * Starts serving model as options say; returns once the port is bound. A port in use or a bad host is an
     * {@link UncheckedIOException} naming it; {@link ServerBinding} finds those before a model is loaded.
     */
    public static ImageServer start(ImageModel model, ServeOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        return bound(options, b -> b.start(model));
    }

    /**
     * Starts serving a pixel model (codec igpt or bpe-igpt, from {@code PixelModels.load}) as options say, at the image
     * routes: generations and completions answer PNG images (streams with previews of the rows so far), scores in bits
     * per pixel; JPEG-only fields (quality, preview_mcus, output_format "jpeg") are refused by name.
     */
    public static ImageServer startPixels(CodecModel<BufferedImage, GeneratedPixels> model, ServeOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        return bound(options, b -> b.startPixels(model));
    }

    /** Binds the port as options say and starts on it; a port in use or a bad host is unchecked, naming it. */
    private static ImageServer bound(ServeOptions options, Function<ServerBinding, ImageServer> starter) {
        try {
            return starter.apply(ServerBinding.bind(options));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /**
     * Starts serving a video model (codec h264) as options say: {@code POST /v1/videos/generations} answers finished
     * videos (MP4, GIF or H.264); the image endpoints answer 404 pointing there. Models, health, readiness, metrics
     * and the drain are the image server's.
     */
    public static ImageServer start(VideoModel model, ServeOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        return bound(options, b -> b.start(model));
    }

    /** Serves model on channel, bound as options say; the server owns the channel, closed also when this fails. */
    static ImageServer start(ImageModel model, ServeOptions options, ServerSocketChannel channel) {
        HeapBudget heap;
        Service<BufferedImage, GeneratedImage> service;
        try {
            heap = HeapBudget.ofFreeHeap();
            requireOneImageFits(model, heap);
            service = model.newService(options.service());
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, e);
            throw e;
        }
        ServedModel served = ServedModel.of(model, service.contextLength());
        ServedImages<GeneratedImage> images = ServedImages.jpeg(served);
        return start(
                served, service, service, options, channel, heap, imageRoutes(served, service, images, options, heap));
    }

    /**
     * Serves a pixel model (codec igpt or bpe-igpt) on channel at the image routes, as
     * {@link #start(ImageModel, ServeOptions, ServerSocketChannel)} a jpeg one: PNG images, previews of the rows so far.
     */
    static ImageServer startPixels(
            CodecModel<BufferedImage, GeneratedPixels> model, ServeOptions options, ServerSocketChannel channel) {
        HeapBudget heap;
        Service<BufferedImage, GeneratedPixels> service;
        try {
            heap = HeapBudget.ofFreeHeap();
            service = model.newService(options.service());
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, e);
            throw e;
        }
        ServedModel served = ServedModel.ofPixels(model, service.contextLength());
        ServedImages<GeneratedPixels> images = ServedImages.pixels(served);
        checkStarted(
                () -> requireOneFits(
                        images.bytesPerImage("png"), served.width() + "x" + served.height() + " image", heap),
                service,
                channel);
        return start(
                served, service, null, options, channel, heap, imageRoutes(served, service, images, options, heap));
    }

    /** The image routes' handlers over the service of any codec that makes images (jpeg, igpt, bpe-igpt). */
    private static <R> BiFunction<Metrics, Drain, Routes.Handlers> imageRoutes(
            ServedModel served,
            Service<BufferedImage, R> service,
            ServedImages<R> images,
            ServeOptions options,
            HeapBudget heap) {
        return (metrics, drain) -> handlers(
                served,
                service,
                new GenerationHandler<>(service, images, served, options, metrics, heap),
                ScoreHandler.images(service, images, served, options, metrics, heap),
                null,
                options,
                metrics,
                drain);
    }

    /** The handlers of one model's family (images: generation; videos: video) and those every server has. */
    private static Routes.Handlers handlers(
            ServedModel served,
            Service<?, ?> service,
            GenerationHandler<?> generation,
            ScoreHandler<?> score,
            VideoHandler video,
            ServeOptions options,
            Metrics metrics,
            Drain drain) {
        return new Routes.Handlers(
                served,
                generation,
                score,
                video,
                new InfoHandler(service, served, options, metrics, drain),
                new Auth(options.apiKey(), options.maxBodyBytes()),
                new SiteCheck(options.host(), options.allowedHosts()),
                drain,
                metrics);
    }

    /** Serves a video model on channel, as {@link #start(ImageModel, ServeOptions, ServerSocketChannel)} an image one. */
    static ImageServer start(VideoModel model, ServeOptions options, ServerSocketChannel channel) {
        HeapBudget heap;
        Service<Video, GeneratedVideo> service;
        try {
            heap = HeapBudget.ofFreeHeap();
            service = model.codecModel()
                    .newService(VideoModel.options(options.service()).build());
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, e);
            throw e;
        }
        // the context a video may take is the service's
        checkStarted(() -> requireOneVideoFits(model.profile(), service.contextLength(), heap), service, channel);
        ServedModel served = ServedModel.of(model, service.contextLength());
        return start(
                served,
                service,
                null,
                options,
                channel,
                heap,
                (metrics, drain) -> handlers(
                        served,
                        service,
                        null,
                        ScoreHandler.videos(service, served, options, metrics, heap),
                        new VideoHandler(service, served, options, metrics, heap),
                        options,
                        metrics,
                        drain));
    }

    /** The routes over a started service; the service is closed, and the channel, when this fails. */
    private static ImageServer start(
            ServedModel served,
            Service<?, ?> service,
            Service<BufferedImage, GeneratedImage> images,
            ServeOptions options,
            ServerSocketChannel channel,
            HeapBudget heap,
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
            return new ImageServer(service, images, app, drain, options);
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

    /** Refuses a model whose one image (with its answer) is more than the heap kept for requests can hold. */
    private static void requireOneImageFits(ImageModel model, HeapBudget heap) {
        JpegProfile p = model.spec().profile();
        requireOneFits(GenerationHandler.bytesPerImage(p, false), p.width() + "x" + p.height() + " image", heap);
    }

    /** Refuses a video model whose one video (with its answer) is more than the heap kept for requests can hold. */
    private static void requireOneVideoFits(VideoProfile p, int contextLength, HeapBudget heap) {
        long one = VideoHandler.bytesPerVideo(p, contextLength);
        requireOneFits(one, p.width() + "x" + p.height() + " video of " + p.frames() + " frames", heap);
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

    /** Its jpeg service (null for another codec), for tests that must hold the scheduler still. */
    Service<BufferedImage, GeneratedImage> service() {
        return images;
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
