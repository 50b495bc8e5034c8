package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import org.jpeglm.ThreadCounts;
import org.jpeglm.image.ImageService;
import org.jpeglm.image.ServiceStats;

/** {@code GET /v1/models}, {@code /health} and {@code /metrics}: what the server runs and how it is doing. */
final class InfoHandler {
    private final ImageService service;
    private final ServedModel model;
    private final ServeOptions options;
    private final Metrics metrics;

    InfoHandler(ImageService service, ServedModel model, ServeOptions options, Metrics metrics) {
        this.service = service;
        this.model = model;
        this.options = options;
        this.metrics = metrics;
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

    /** llama-server's answer: ok, with the sequences' state. */
    void health(Context ctx) {
        ServiceStats s = service.stats();
        ObjectNode body = Json.object()
                .put("status", "ok")
                .put("model", model.id())
                .put("slots_idle", Math.max(0, options.service().parallel() - s.activeSequences()))
                .put("slots_processing", s.activeSequences())
                .put("queued_images", s.queuedImages());
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    void metrics(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.text(service.stats()));
    }
}
