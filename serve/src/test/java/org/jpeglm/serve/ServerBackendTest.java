package org.jpeglm.serve;

import static org.jpeglm.serve.ServerErrorsTest.assertError;
import static org.jpeglm.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.ServiceStats;
import org.jpeglm.codec.Task;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.serve.TestServer.Sse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a load balancer and an operator of several replicas need of the server: liveness apart from readiness, a
 * request id echoed and logged, one access-log line per request, metrics that add up over replicas, and errors
 * counted once.
 */
class ServerBackendTest {
    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, 2, b -> {});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void readinessIsReadyWhileTheQueueHasRoomAndHealthStaysLive() throws Exception {
        HttpResponse<byte[]> ready = server.get("/ready");
        assertEquals(200, ready.statusCode());
        assertEquals("ready", json(ready).get("status").asText());
        assertEquals(1, server.metric("jpeglm_ready"));
        Path other = Files.createDirectories(dir.resolve("full"));
        try (TestServer small = TestServer.start(
                other,
                1,
                b -> b.maxImagesPerRequest(2)
                        .service(GenerationOptions.builder()
                                .parallel(1)
                                .threads(2)
                                .maxQueued(2)
                                .build()))) {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Task<GeneratedImage> holder = small.server
                    .service()
                    .submit(small.server.service().request(1).build(), event -> {
                        entered.countDown();
                        await(release);
                    });
            Task<GeneratedImage> queued = null;
            try {
                assertTrue(entered.await(1, TimeUnit.MINUTES));
                queued = small.server
                        .service()
                        .submit(small.server.service().request(2).build(), event -> {});
                HttpResponse<byte[]> full = small.get("/ready");
                assertEquals(503, full.statusCode(), "a full queue is not ready");
                assertEquals("full", json(full).get("status").asText());
                assertTrue(Integer.parseInt(
                                full.headers().firstValue("Retry-After").orElseThrow())
                        >= 1);
                assertEquals(0, small.metric("jpeglm_ready"));
                assertEquals(200, small.get("/health").statusCode(), "alive all the same");
                HttpResponse<byte[]> busy = small.postJson("/v1/images/generations", "{\"n\": 1}");
                assertError(503, null, busy);
                assertTrue(busy.headers().firstValue("Retry-After").isPresent(), "overload says when to retry");
            } finally {
                release.countDown();
                holder.cancel();
                if (queued != null) {
                    queued.cancel();
                }
            }
            for (int i = 0; i < 1000 && small.get("/ready").statusCode() != 200; i++) {
                Thread.sleep(20);
            }
            assertEquals(200, small.get("/ready").statusCode(), "ready again once the queue has room");
        }
    }

    @Test
    void aClientsRequestIdIsEchoedAndLoggedElseOneIsMade() throws Exception {
        try (LogCapture log = new LogCapture()) {
            HttpResponse<byte[]> given =
                    server.postJson("/v1/images/generations", "{\"n\": 2, \"seed\": 1}", "X-Request-Id", "client-42.a");
            assertEquals(200, given.statusCode());
            assertEquals(
                    "client-42.a", given.headers().firstValue("X-Request-Id").orElseThrow());
            String line = log.await("id=client-42.a ").getFirst();
            assertTrue(
                    line.matches(".* INFO access - id=client-42\\.a method=POST path=/v1/images/generations status=200"
                            + " ms=\\d+ images=2"),
                    line);

            HttpResponse<byte[]> none = server.get("/health");
            String made = none.headers().firstValue("X-Request-Id").orElseThrow();
            assertTrue(made.matches("[0-9a-f]{16}"), made);
            assertNotEquals(
                    made,
                    server.get("/health").headers().firstValue("X-Request-Id").orElseThrow());
            log.await("id=" + made + " method=GET path=/health status=200");

            // Unusable ids (spaces, too long) are replaced rather than echoed into headers and logs.
            String replaced = server.get("/health", "X-Request-Id", "x".repeat(RequestIds.MAX_LENGTH + 1))
                    .headers()
                    .firstValue("X-Request-Id")
                    .orElseThrow();
            assertTrue(replaced.matches("[0-9a-f]{16}"), replaced);

            HttpResponse<byte[]> refused =
                    server.postJson("/v1/images/generations", "{\"n\": 0}", "X-Request-Id", "bad-1");
            assertEquals("bad-1", refused.headers().firstValue("X-Request-Id").orElseThrow(), "refusals too");
            log.await("id=bad-1 method=POST path=/v1/images/generations status=400");
        }
    }

    @Test
    void aStreamsLogLineCountsTheImagesItSent() throws Exception {
        try (LogCapture log = new LogCapture()) {
            List<Sse> events = server.stream(
                    "/v1/images/generations", "{\"n\": 3, \"seed\": 2, \"stream\": true, \"preview_mcus\": 0}");
            assertEquals("done", events.getLast().event());
            String line = log.await("status=200 ms=").stream()
                    .filter(l -> l.contains("images=3"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(log.lines().toString()));
            assertTrue(line.contains("path=/v1/images/generations"), line);
        }
    }

    @Test
    void metricsAddUpOverReplicas() throws Exception {
        Path other = Files.createDirectories(dir.resolve("replica"));
        try (TestServer second = TestServer.start(other, 2, b -> {})) {
            for (TestServer s : List.of(server, second)) {
                assertEquals(
                        200,
                        s.postJson("/v1/images/generations", "{\"seed\": 3}").statusCode());
            }
            Exposition a = server.metrics();
            Exposition b = second.metrics();
            assertEquals(a.types(), b.types(), "the same families, of the same types, on every replica");
            for (Exposition e : List.of(a, b)) {
                for (Exposition.Sample s : e.samples()) {
                    assertEquals("tiny.gguf", s.labels().get("model"), "every series names its model: " + s);
                    assertTrue(
                            Set.of("model", "endpoint", "status", "le")
                                    .containsAll(s.labels().keySet()),
                            "no label that tells processes apart (Prometheus adds instance): " + s);
                    String family = family(s.name());
                    assertTrue(e.types().containsKey(family), "a TYPE for " + s.name());
                    if (e.types().get(family).equals("counter")) {
                        assertTrue(s.name().endsWith("_total"), "counters end in _total: " + s.name());
                    }
                }
            }
            // Summed over the two, as Prometheus' sum() does: each made one image and answered one generation.
            assertEquals(
                    a.value("jpeglm_http_requests_total", "endpoint", Routes.GENERATIONS, "status", "200")
                            + b.value("jpeglm_http_requests_total", "endpoint", Routes.GENERATIONS, "status", "200"),
                    a.value("jpeglm_http_request_duration_seconds_count", "endpoint", Routes.GENERATIONS)
                            + b.value("jpeglm_http_request_duration_seconds_count", "endpoint", Routes.GENERATIONS));
            assertHistogramIsCumulative(b, Routes.GENERATIONS);
        }
    }

    @Test
    void aFailedRequestCountsOneError() {
        Metrics metrics = new Metrics(Set.of(Routes.GENERATIONS), "m.gguf");
        metrics.failed();
        // The service counted the same request among its own errors: the exposition counts it once.
        ServiceStats stats = new ServiceStats(1, 0, 0, 0, 0, 0, 0, 1);
        Exposition e =
                Exposition.parse(metrics.text(stats, ServeOptions.builder().build(), true));
        assertEquals(1, e.value("jpeglm_errors_total"));
    }

    private static void assertHistogramIsCumulative(Exposition e, String endpoint) {
        Map<String, Double> buckets = e.samples().stream()
                .filter(s -> s.name().equals("jpeglm_http_request_duration_seconds_bucket")
                        && endpoint.equals(s.labels().get("endpoint")))
                .collect(Collectors.toMap(s -> s.labels().get("le"), Exposition.Sample::value));
        double last = 0;
        for (double le : Metrics.BUCKETS) {
            double v = buckets.get(
                    java.math.BigDecimal.valueOf(le).stripTrailingZeros().toPlainString());
            assertTrue(v >= last, "buckets never decrease: " + buckets);
            last = v;
        }
        assertEquals(e.value("jpeglm_http_request_duration_seconds_count", "endpoint", endpoint), buckets.get("+Inf"));
    }

    /** The family a sample belongs to (a histogram's _bucket, _sum and _count are its own). */
    private static String family(String name) {
        for (String suffix : List.of("_bucket", "_sum", "_count")) {
            if (name.startsWith("jpeglm_http_request_duration_seconds") && name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
