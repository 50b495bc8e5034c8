package org.jpeglm.serve;

import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's routes and the rules every request goes through: the checks against other sites' pages, the key and
 * size checks before the API's handlers, one JSON error shape for every refusal (including the ones Javalin or Jetty
 * make), an id, a count and an access-log line for every request, and the web page's static files at {@code /}.
 */
final class Routes {
    static final String GENERATIONS = "/v1/images/generations";
    static final String COMPLETIONS = "/v1/images/completions";
    static final String SCORES = "/v1/images/scores";
    static final String VIDEO_GENERATIONS = "/v1/videos/generations";
    static final String VIDEO_COMPLETIONS = "/v1/videos/completions";
    static final String VIDEO_SCORES = "/v1/videos/scores";
    static final String MODELS = "/v1/models";
    /** One model (OpenAI's retrieve), as the metrics label it: the id in braces, any id. */
    static final String MODEL = MODELS + "/{model}";

    static final String HEALTH = "/health";
    static final String READY = "/ready";
    static final String METRICS = "/metrics";

    /** Every endpoint, for the metrics' labels. */
    static final List<String> ENDPOINTS = List.of(
            GENERATIONS,
            COMPLETIONS,
            SCORES,
            VIDEO_GENERATIONS,
            VIDEO_COMPLETIONS,
            VIDEO_SCORES,
            MODELS,
            MODEL,
            HEALTH,
            READY,
            METRICS,
            "/");

    /** Where the page lives among the module's resources. */
    static final String WEB = "/org/jpeglm/serve/web";

    /** Parts of a form besides its images: room for every field an endpoint knows. */
    static final int FORM_FIELDS = 64;

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    private Routes() {}

    /**
     * The handlers behind the routes, and the checks before them: the model's generation and score handlers serve the
     * image routes (an image model) or the video routes (a video model); the other family's routes answer 404 pointing
     * at this model's.
     */
    record Handlers(
            ServedModel model,
            GenerationHandler<?, ?> generation,
            ScoreHandler<?> score,
            InfoHandler info,
            Auth auth,
            SiteCheck site,
            Drain drain,
            Metrics metrics) {}

    /** Most parts a multipart form may have: the fields and the most images a request may send. */
    static int maxParts(ServeOptions options) {
        return FORM_FIELDS + options.maxImagesPerRequest();
    }

    static void configure(JavalinConfig config, ServeOptions options, Handlers h) {
        config.startup.showJavalinBanner = false;
        config.concurrency.useVirtualThreads = true; // a stream holds its thread for as long as its images take
        // The host and port are the listening socket's, bound before the model loaded (ServerBinding).
        config.http.maxRequestSize = options.maxBodyBytes();
        config.http.prefer405over404 = true;
        config.http.compressionStrategy = CompressionStrategy.NONE; // compression would hold events back
        config.jetty.multipartConfig.maxTotalRequestSize(options.maxBodyBytes(), SizeUnit.BYTES);
        config.jetty.multipartConfig.maxFileSize(options.maxBodyBytes(), SizeUnit.BYTES);
        config.jetty.modifyServletContextHandler(context -> context.setMaxFormKeys(maxParts(options)));
        // Jetty's own refusals as JSON; every request, those included, counted and logged once, with its id.
        config.jetty.modifyServer(server -> {
            server.setErrorHandler(new JsonErrorHandler());
            server.setRequestLog(new AccessLog(h.metrics(), h.drain()));
        });
        config.jetty.modifyHttpConfiguration(http -> http.addCustomizer(new RequestIds()));
        config.staticFiles.add(WEB, Location.CLASSPATH);
        var routes = config.routes;
        routes.before(ctx -> h.site().check(ctx));
        routes.before("/v1/*", ctx -> {
            h.auth().requireKey(ctx);
            h.auth().requireBodySize(ctx);
        });
        routes.before(METRICS, ctx -> h.auth().requireKey(ctx));
        boolean video = h.model().isVideo();
        Handler generations = api(h.drain(), h.generation()::generations);
        Handler completions = api(h.drain(), h.generation()::completions);
        Handler scores = api(h.drain(), h.score()::scores);
        Handler other = otherFamily(h.model());
        routes.post(GENERATIONS, video ? other : generations);
        routes.post(COMPLETIONS, video ? other : completions);
        routes.post(SCORES, video ? other : scores);
        routes.post(VIDEO_GENERATIONS, video ? generations : other);
        routes.post(VIDEO_COMPLETIONS, video ? completions : other);
        routes.post(VIDEO_SCORES, video ? scores : other);
        routes.get(MODELS, h.info()::models);
        routes.get(MODELS + "/<model>", h.info()::model); // OpenAI's retrieve; <>: an id may hold a slash
        routes.get(HEALTH, h.info()::health);
        routes.get(READY, h.info()::ready);
        routes.get(METRICS, h.info()::metrics);
        routes.get("/favicon.ico", ctx -> ctx.redirect("/favicon.svg", HttpStatus.MOVED_PERMANENTLY)); // the page's
        routes.exception(ApiException.class, (e, ctx) -> {
            RefusedBodies.drop(ctx);
            ErrorResponses.send(ctx, e);
        });
        routes.exception(HttpResponseException.class, (e, ctx) -> {
            RefusedBodies.drop(ctx);
            ErrorResponses.send(
                    ctx,
                    e.getStatus(),
                    null,
                    switch (e.getStatus()) {
                        case 404 -> noSuchEndpoint(ctx);
                        case 413 -> "the body is larger than this server reads (" + options.maxBodyBytes() + " bytes)";
                        default -> e.getMessage();
                    });
        });
        routes.exception(Exception.class, (e, ctx) -> unexpected(ctx, e, options));
        routes.error(404, "*", ctx -> notFound(ctx));
        routes.error(
                405,
                "*",
                ctx -> ErrorResponses.send(ctx, 405, null, ctx.method() + " is not allowed on " + ctx.path()));
    }

    /**
     * An endpoint that makes images: counted in flight for a drain until its answer is written — the access log, which
     * Jetty calls once the response is complete, counts it out: counted out when the handler returned, a request's
     * answer (written by Javalin after the handler) could lose the race with the server's stop, its client reading
     * no bytes — (and refused once the server shuts down, the connection closed so that the client's next try goes
     * elsewhere), and an OutOfMemoryError on its thread answered as this request's alone.
     */
    private static Handler api(Drain drain, Handler handler) {
        return ctx -> {
            try {
                drain.enter();
            } catch (ApiException shuttingDown) {
                ctx.header("Connection", "close");
                throw shuttingDown;
            }
            ctx.attribute(Drain.COUNTED, Boolean.TRUE);
            try {
                handler.handle(ctx);
            } catch (OutOfMemoryError e) {
                LOG.warn("{} {} ran out of memory: {}", ctx.method(), ctx.path(), e.getMessage());
                throw ApiException.busy("this request ran out of memory (the Java heap is full); retry later", 5);
            }
        };
    }

    /** The other family's endpoint: a 404 naming the model's codec and the endpoint that serves it. */
    private static Handler otherFamily(ServedModel model) {
        String message = model.isVideo()
                ? "this server runs a video model (" + model.id() + ", codec h264): POST " + VIDEO_GENERATIONS
                        + " makes its videos (MP4, GIF), " + VIDEO_COMPLETIONS + " and " + VIDEO_SCORES
                        + " take videos; the image endpoints need an image model"
                : "this server runs an image model (" + model.id() + ", codec " + model.codec() + "): POST "
                        + GENERATIONS + " makes its images; the video endpoints need a video model";
        return ctx -> {
            throw new ApiException(404, "model", message);
        };
    }

    private static void notFound(Context ctx) {
        if (!ErrorResponses.sent(ctx)) {
            ErrorResponses.send(ctx, 404, null, noSuchEndpoint(ctx));
        }
    }

    private static String noSuchEndpoint(Context ctx) {
        return "no such endpoint: " + ctx.method() + " " + ctx.path() + insteadOf(ctx.path());
    }

    /**
     * Where OpenAI's image edits and variations go here: their SDKs' images.edit and createVariation are what a user
     * of them tries first to complete an image.
     */
    private static String insteadOf(String path) {
        return path.equals("/v1/images/edits") || path.equals("/v1/images/variations")
                ? "; a Jpeg-LM completes an image from its top part: POST " + COMPLETIONS + " with image and ratio"
                : "";
    }

    /**
     * Anything else a request caused: the client's protocol mistake as its 4xx (its access-log line is all that is
     * logged), otherwise a 500 for it alone, logged with its trace, the server going on.
     */
    private static void unexpected(Context ctx, Exception e, ServeOptions options) {
        ApiException client = ClientErrors.of(e, options.maxBodyBytes(), maxParts(options));
        if (client != null) {
            ErrorResponses.send(ctx, client);
            return;
        }
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        ErrorResponses.send(ctx, 500, null, "internal error: " + e.getClass().getSimpleName());
    }
}
