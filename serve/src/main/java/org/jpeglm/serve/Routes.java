package org.jpeglm.serve;

import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's routes and the rules every request goes through: the key and size checks before the API's handlers,
 * one JSON error shape for every refusal (including the ones Javalin or Jetty make), and the web page's static files
 * at {@code /}.
 */
final class Routes {
    static final String GENERATIONS = "/v1/images/generations";
    static final String COMPLETIONS = "/v1/images/completions";
    static final String SCORES = "/v1/images/scores";
    static final String MODELS = "/v1/models";
    static final String HEALTH = "/health";
    static final String METRICS = "/metrics";

    /** Every endpoint, for the metrics' labels. */
    static final List<String> ENDPOINTS = List.of(GENERATIONS, COMPLETIONS, SCORES, MODELS, HEALTH, METRICS, "/");

    /** Where the page lives among the module's resources. */
    static final String WEB = "/org/jpeglm/serve/web";

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    private Routes() {}

    /** The handlers behind the routes. */
    record Handlers(GenerationHandler generation, ScoreHandler score, InfoHandler info, Auth auth, Metrics metrics) {}

    static void configure(JavalinConfig config, ServeOptions options, Handlers h) {
        config.startup.showJavalinBanner = false;
        config.concurrency.useVirtualThreads = true; // a stream holds its thread for as long as its images take
        // The host and port are the listening socket's, bound before the model loaded (ServerBinding).
        config.http.maxRequestSize = options.maxBodyBytes();
        config.http.prefer405over404 = true;
        config.http.compressionStrategy = CompressionStrategy.NONE; // compression would hold events back
        config.jetty.multipartConfig.maxTotalRequestSize(options.maxBodyBytes(), SizeUnit.BYTES);
        config.jetty.multipartConfig.maxFileSize(options.maxBodyBytes(), SizeUnit.BYTES);
        config.staticFiles.add(WEB, Location.CLASSPATH);
        config.requestLogger.http((ctx, ms) -> h.metrics().request(ctx.path(), ctx.statusCode()));
        var routes = config.routes;
        routes.before("/v1/*", ctx -> {
            h.auth().requireKey(ctx);
            h.auth().requireBodySize(ctx);
        });
        routes.before(METRICS, ctx -> h.auth().requireKey(ctx));
        routes.post(GENERATIONS, h.generation()::generations);
        routes.post(COMPLETIONS, h.generation()::completions);
        routes.post(SCORES, h.score()::scores);
        routes.get(MODELS, h.info()::models);
        routes.get(HEALTH, h.info()::health);
        routes.get(METRICS, h.info()::metrics);
        routes.get("/favicon.ico", ctx -> ctx.redirect("/favicon.svg", HttpStatus.MOVED_PERMANENTLY)); // the page's
        routes.exception(ApiException.class, (e, ctx) -> ErrorResponses.send(ctx, e));
        routes.exception(
                HttpResponseException.class,
                (e, ctx) -> ErrorResponses.send(
                        ctx,
                        e.getStatus(),
                        null,
                        e.getStatus() == 413
                                ? "the body is larger than this server reads (" + options.maxBodyBytes() + " bytes)"
                                : e.getMessage()));
        routes.exception(Exception.class, (e, ctx) -> unexpected(ctx, e));
        routes.error(404, "*", ctx -> notFound(ctx));
        routes.error(
                405,
                "*",
                ctx -> ErrorResponses.send(ctx, 405, null, ctx.method() + " is not allowed on " + ctx.path()));
    }

    private static void notFound(Context ctx) {
        if (ctx.result() == null
                || ctx.contentType() == null
                || !ctx.contentType().startsWith("application/json")) {
            ErrorResponses.send(ctx, 404, null, "no such endpoint: " + ctx.method() + " " + ctx.path());
        }
    }

    /** Anything else a request caused: a 500 for it alone, logged, the server going on. */
    private static void unexpected(Context ctx, Exception e) {
        if (tooLarge(e)) {
            ErrorResponses.send(ctx, 413, null, "the body is larger than this server reads");
            return;
        }
        LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
        ErrorResponses.send(ctx, 500, null, "internal error: " + e.getClass().getSimpleName());
    }

    /** Whether Jetty refused a multipart body or part for its size (it says so only in the message). */
    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
            if (m.contains("exceeds") || m.contains("too large") || m.contains("max") && m.contains("size")) {
                return true;
            }
        }
        return false;
    }
}
