package org.jpeglm.serve;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import org.jpeglm.image.ServiceStats;

/**
 * The server's counters and the service's gauges, written in Prometheus' text format for {@code GET /metrics}.
 * Requests are counted by endpoint and status; paths that are no endpoint count as "other", so no client can make
 * the label set grow.
 */
final class Metrics {
    private final Set<String> endpoints;
    private final Map<String, LongAdder> requests = new ConcurrentSkipListMap<>();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder failures = new LongAdder();

    Metrics(Set<String> endpoints) {
        this.endpoints = Set.copyOf(endpoints);
    }

    /** Counts one answered request. */
    void request(String path, int status) {
        String endpoint = endpoints.contains(path) ? path : "other";
        String key = "endpoint=\"" + endpoint + "\",status=\"" + status + "\"";
        requests.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** A client went away before its images were done (its task was cancelled). */
    void disconnected() {
        disconnects.increment();
    }

    /** A task failed inside the service. */
    void failed() {
        failures.increment();
    }

    /** The exposition text. */
    String text(ServiceStats stats) {
        StringBuilder s = new StringBuilder(2048);
        header(s, "jpeglm_http_requests_total", "counter", "HTTP requests answered, by endpoint and status");
        requests.forEach((labels, n) -> s.append("jpeglm_http_requests_total{")
                .append(labels)
                .append("} ")
                .append(n.sum())
                .append('\n'));
        metric(
                s,
                "jpeglm_client_disconnects_total",
                "counter",
                "requests whose client left before its images were done",
                disconnects.sum());
        metric(s, "jpeglm_requests_total", "counter", "generation requests the service took", stats.requests());
        metric(s, "jpeglm_images_total", "counter", "images finished", stats.imagesDone());
        metric(s, "jpeglm_tokens_generated_total", "counter", "tokens generated", stats.tokensGenerated());
        metric(s, "jpeglm_tokens_per_second", "gauge", "recent generation speed", stats.tokensPerSecond());
        metric(s, "jpeglm_queue_images", "gauge", "images waiting for a sequence", stats.queuedImages());
        metric(s, "jpeglm_active_sequences", "gauge", "sequences generating now", stats.activeSequences());
        metric(s, "jpeglm_kv_cells_in_use", "gauge", "KV cache cells in use", stats.kvCellsInUse());
        metric(
                s,
                "jpeglm_errors_total",
                "counter",
                "requests that failed in the service",
                stats.errors() + failures.sum());
        return s.toString();
    }

    private static void metric(StringBuilder s, String name, String type, String help, double value) {
        header(s, name, type, help);
        s.append(name).append(' ').append(number(value)).append('\n');
    }

    private static void header(StringBuilder s, String name, String type, String help) {
        s.append("# HELP ").append(name).append(' ').append(help).append('\n');
        s.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.3f", v);
    }
}
