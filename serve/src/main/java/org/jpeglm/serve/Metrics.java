package org.jpeglm.serve;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import org.jpeglm.codec.ServiceStats;

/**
 * The server's counters and the service's gauges, written in Prometheus' text format for {@code GET /metrics}.
 * Requests are counted by endpoint and status; paths that are no endpoint count as "other", so no client can make
 * the label set grow.
 *
 * <p>Made to be summed over replicas: every series carries the model's name as a {@code model} label and nothing
 * that tells one process from another (Prometheus adds {@code instance} and {@code job} when it scrapes), each
 * family has one type and help text, and request times are a histogram (buckets add up across replicas; averages
 * and quantiles do not).
 */
final class Metrics {
    /** Upper bounds of the request time buckets, in seconds: a health check to a long stream of many images. */
    static final double[] BUCKETS = {0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final Set<String> endpoints;
    private final String model;
    private final Map<String, LongAdder> requests = new ConcurrentSkipListMap<>();
    private final Map<String, Histogram> durations = new ConcurrentSkipListMap<>();
    private final LongAdder disconnects = new LongAdder();
    private final LongAdder failures = new LongAdder();

    /**
     * @param endpoints the paths counted by name; one with a part in braces ({@code /v1/models/{model}}) counts every
     *     path that begins as it does before the brace and goes on
     * @param model the model's name, the {@code model} label of every series
     */
    Metrics(Set<String> endpoints, String model) {
        this.endpoints = Set.copyOf(endpoints);
        this.model = "model=\"" + escape(model) + "\"";
    }

    /** Counts one answered request, which took seconds. */
    void request(String path, int status, double seconds) {
        String endpoint = endpointOf(path);
        String key = "endpoint=\"" + endpoint + "\",status=\"" + status + "\"";
        requests.computeIfAbsent(key, k -> new LongAdder()).increment();
        durations.computeIfAbsent(endpoint, e -> new Histogram()).add(seconds);
    }

    /** The endpoint label of path: an endpoint's path, or its pattern ("/v1/models/{model}"), or "other". */
    private String endpointOf(String path) {
        if (path == null || endpoints.contains(path)) {
            return path == null ? "other" : path;
        }
        for (String e : endpoints) {
            int brace = e.indexOf('{');
            if (brace > 0 && path.length() > brace && path.startsWith(e.substring(0, brace))) {
                return e;
            }
        }
        return "other";
    }

    /** A client went away before its images were done (its task was cancelled). */
    void disconnected() {
        disconnects.increment();
    }

    /** A request failed inside the service (counted once, where its answer is made). */
    void failed() {
        failures.increment();
    }

    /** The exposition text. */
    String text(ServiceStats stats, ServeOptions options, boolean ready) {
        StringBuilder s = new StringBuilder(4096);
        header(s, "jpeglm_http_requests_total", "counter", "HTTP requests answered, by endpoint and status");
        requests.forEach((labels, n) -> sample(s, "jpeglm_http_requests_total", labels, n.sum()));
        header(
                s,
                "jpeglm_http_request_duration_seconds",
                "histogram",
                "time from a request's start to its answer's end");
        durations.forEach((endpoint, h) -> h.write(s, "endpoint=\"" + endpoint + "\""));
        metric(
                s,
                "jpeglm_client_disconnects_total",
                "counter",
                "requests whose client left before its images were done",
                disconnects.sum());
        metric(s, "jpeglm_requests_total", "counter", "generation requests the service took", stats.requests());
        metric(s, "jpeglm_images_total", "counter", "images finished", stats.done());
        metric(s, "jpeglm_tokens_generated_total", "counter", "tokens generated", stats.tokensGenerated());
        metric(
                s,
                "jpeglm_tokens_per_second",
                "gauge",
                "generation speed over the last seconds",
                stats.tokensPerSecond());
        metric(s, "jpeglm_queue_images", "gauge", "images waiting for a sequence", stats.queued());
        metric(
                s,
                "jpeglm_queue_capacity_images",
                "gauge",
                "images that may wait; more are answered 503",
                options.service().maxQueued());
        metric(
                s,
                "jpeglm_sequences",
                "gauge",
                "sequences (-np): images generated at once",
                options.service().parallel());
        metric(s, "jpeglm_active_sequences", "gauge", "sequences generating now", stats.activeSequences());
        metric(s, "jpeglm_kv_cells_in_use", "gauge", "KV cache cells in use", stats.kvCellsInUse());
        metric(s, "jpeglm_errors_total", "counter", "requests that failed in the service", failures.sum());
        metric(
                s,
                "jpeglm_ready",
                "gauge",
                "1 while the server takes new requests (GET /ready answers 200)",
                ready ? 1 : 0);
        return s.toString();
    }

    private void metric(StringBuilder s, String name, String type, String help, double value) {
        header(s, name, type, help);
        sample(s, name, null, value);
    }

    /** One sample: name{model, labels} value. */
    private void sample(StringBuilder s, String name, String labels, double value) {
        s.append(name).append('{').append(model);
        if (labels != null) {
            s.append(',').append(labels);
        }
        s.append("} ").append(number(value)).append('\n');
    }

    private static void header(StringBuilder s, String name, String type, String help) {
        s.append("# HELP ").append(name).append(' ').append(help).append('\n');
        s.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A value as the text format writes it: integers without a fraction, others as short as they are exact. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A label value as the text format writes it: backslash, quote and newline escaped. */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Request times of one endpoint: a count per bucket, the count and the sum. */
    private final class Histogram {
        private final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        private final LongAdder count = new LongAdder();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void add(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    buckets[i].increment();
                    break;
                }
            }
            count.increment();
            sum.add(seconds);
        }

        /** Cumulative buckets, as the format wants them. */
        void write(StringBuilder s, String labels) {
            String name = "jpeglm_http_request_duration_seconds";
            long cumulative = 0;
            long total = count.sum(); // read first: a bucket counted since then must not exceed it
            for (int i = 0; i < BUCKETS.length; i++) {
                cumulative = Math.min(total, cumulative + buckets[i].sum());
                sample(s, name + "_bucket", labels + ",le=\"" + number(BUCKETS[i]) + "\"", cumulative);
            }
            sample(s, name + "_bucket", labels + ",le=\"+Inf\"", total);
            sample(s, name + "_sum", labels, sum.sum());
            sample(s, name + "_count", labels, total);
        }
    }
}
