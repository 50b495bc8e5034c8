package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.jpeglm.ThreadCounts;
import org.jpeglm.codec.Service;
import org.jpeglm.codec.ServiceStats;

/**
 * {@code GET /v1/models}, {@code /health}, {@code /ready} and {@code /metrics}: what the server runs and how it is
 * doing. {@code /health} says the process is alive and answering (liveness: 200 while it runs, draining too);
 * {@code /ready} whether it takes new work now (readiness: a load balancer sends requests only while it is 200).
 */
final class InfoHandler {
    private final Service<?, ?> service;
    private final ServedModel model;
    private final ServeOptions options;
    private final Metrics metrics;
    private final Drain drain;

    InfoHandler(Service<?, ?> service, ServedModel model, ServeOptions options, Metrics metrics, Drain drain) {
        this.service = service;
        this.model = model;
        this.options = options;
        this.metrics = metrics;
        this.drain = drain;
    }

    void models(Context ctx) {
        ObjectNode body = Json.object().put("object", "list");
        ObjectNode entry = model.json(options.service());
        ThreadCounts threads = service.threads(); // the counts in use and why (automatic counts are tuned)
        ((ObjectNode) entry.get("meta"))
                .putObject("threads")
                .put("threads", threads.threads())
                .put("threads_batch", threads.threadsBatch())
                .put("reason", threads.reason());
        body.putArray("data").add(entry);
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    /**
     * {@code GET /v1/models/{model}}, OpenAI's retrieve (its SDKs' {@code models.retrieve}): the served model under
     * its id, any other a 404 naming the one there is.
     */
    void model(Context ctx) {
        String id = ctx.pathParam("model");
        if (!id.equals(model.id())) {
            throw new ApiException(
                    404, "model", "no model '" + id + "' here: this server serves " + model.id() + " (GET /v1/models)");
        }
        ctx.contentType("application/json").result(Json.bytes(model.json(options.service())));
    }

    /** llama-server's answer: ok, with the sequences' state. */
    void health(Context ctx) {
        ServiceStats s = service.stats();
        ObjectNode body = Json.object()
                .put("status", "ok")
                .put("model", model.id())
                .put("slots_idle", Math.max(0, options.service().parallel() - s.activeSequences()))
                .put("slots_processing", s.activeSequences())
                .put("queued_images", s.queued());
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    /**
     * 200 while the server takes new work: the model is loaded (it is, once the server exists), it is not shutting
     * down, and its queue has room. 503 with Retry-After otherwise, saying which.
     */
    void ready(Context ctx) {
        ServiceStats s = service.stats();
        String status = readiness(s);
        ObjectNode body = Json.object()
                .put("status", status)
                .put("model", model.id())
                .put("queued_images", s.queued())
                .put("max_queued_images", options.service().maxQueued());
        if (!status.equals("ready")) {
            ctx.status(503)
                    .header(
                            "Retry-After",
                            Integer.toString(status.equals("draining") ? 1 : GenerationHandler.retryAfter(s)));
        }
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    /** "ready", "draining" (shutting down) or "full" (the queue is). */
    private String readiness(ServiceStats s) {
        if (drain.draining()) {
            return "draining";
        }
        return s.queued() < options.service().maxQueued() ? "ready" : "full";
    }

    void metrics(Context ctx) {
        ServiceStats s = service.stats();
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(metrics.text(s, options, readiness(s).equals("ready")));
    }
}
