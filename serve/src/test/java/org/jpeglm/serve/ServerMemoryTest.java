package org.jpeglm.serve;

import static org.jpeglm.serve.ServerErrorsTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.codec.Task;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose images are huge (8192×8192: over half a GiB each while a request holds it and its answer): a request
 * for more images than the server's heap can hold is refused up front naming the limit (400), one that does not fit
 * beside the requests already running is told to retry (503 with Retry-After), never an OutOfMemoryError that fails
 * the requests beside it; and once they are gone the server reports nothing in use. No huge image is generated: the
 * scheduler is held still in a listener while the requests wait, as in {@link ServerDisconnectTest}.
 */
class ServerMemoryTest {
    static final JpegProfile HUGE = new JpegProfile(25, Subsampling.GRAY, 1, 8192, 8192);

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        TinyJpegLm.writeWithProfile(dir.resolve("tiny.gguf"), 11, HUGE);
        server = TestServer.start(dir, 1, b -> b.maxImagesPerRequest(1024));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRequestTooLargeForTheHeapIsRefusedNamingTheLimit() {
        JsonNode e = assertError(400, "n", server.postJson("/v1/images/generations", "{\"n\": 1024}"));
        int most = most(e);
        assertTrue(most >= 1 && most < 1024, e.toString());
        assertTrue(e.get("message").asText().contains("images of 8192x8192"), e.toString());
        assertError(400, "n", server.postJson("/v1/images/generations", "{\"n\": " + (most + 1) + "}"));
        assertError(
                400, "n", server.postJson("/v1/images/generations", "{\"n\": " + (most + 1) + ", \"stream\": true}"));
        assertIdle();
    }

    @Test
    void aRequestThatDoesNotFitBesideTheRunningOnesIs503() throws Exception {
        int most = most(assertError(400, "n", server.postJson("/v1/images/generations", "{\"n\": 1024}")));
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // Holds the scheduler, so that the request below stays queued (its heap reserved) and no huge image is made.
        Task<GeneratedImage> holder = server.server
                .service()
                .submit(server.server.service().request(1).maxTokens(2).build(), event -> {
                    entered.countDown();
                    await(release);
                });
        try {
            assertTrue(entered.await(1, TimeUnit.MINUTES));
            try (Socket first = new Socket("127.0.0.1", server.server.port())) {
                String body = "{\"n\": " + most + ", \"max_tokens\": 2}";
                first.getOutputStream()
                        .write(("POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        + "Content-Type: application/json\r\nContent-Length: " + body.length()
                                        + "\r\n\r\n" + body)
                                .getBytes(StandardCharsets.US_ASCII));
                awaitTrue(() -> server.server.stats().queued() == most, "the first request was not queued");
                var refused = server.postJson("/v1/images/generations", "{\"n\": 1}");
                JsonNode e = assertError(503, null, refused);
                assertTrue(e.get("message").asText().contains("retry later"), e.toString());
                int retry = Integer.parseInt(
                        refused.headers().firstValue("Retry-After").orElseThrow());
                assertTrue(retry >= 1, "Retry-After " + retry);
            } // the first client leaves: its images are cancelled and its heap given back
            holder.cancel(); // before it is released: its huge image is never finished
        } finally {
            release.countDown();
            holder.cancel();
        }
        awaitTrue(() -> server.server.stats().queued() == 0, "the left request's images are still queued");
        assertIdle();
        assertEquals(
                0,
                server.metrics().samples().stream()
                        .filter(s -> s.name().equals("jpeglm_http_requests_total")
                                && s.labels().get("status").equals("500"))
                        .count(),
                "no 500");
    }

    /** The largest count the refusal's message allows ("ask for at most N"). */
    private static int most(JsonNode error) {
        Matcher m =
                Pattern.compile("at most (\\d+)").matcher(error.get("message").asText());
        assertTrue(m.find(), error.toString());
        return Integer.parseInt(m.group(1));
    }

    /** /health and /metrics say nothing is in use, as they must once requests are gone. */
    private static void assertIdle() {
        try {
            awaitTrue(() -> server.server.stats().activeSequences() == 0, "sequences still busy");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        JsonNode health = TestServer.json(server.get("/health"));
        assertEquals(0, health.get("slots_processing").asInt(), health.toString());
        assertEquals(0, health.get("queued_images").asInt(), health.toString());
        assertEquals(0, server.metric("jpeglm_active_sequences"));
        assertEquals(0, server.metric("jpeglm_kv_cells_in_use"));
        assertEquals(200, server.get("/ready").statusCode());
    }

    private static void awaitTrue(BooleanSupplier condition, String failure) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); System.nanoTime() < end; Thread.sleep(20)) {
            if (condition.getAsBoolean()) {
                return;
            }
        }
        throw new AssertionError(failure + ": " + server.server.stats());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
