package org.jpeglm.serve;

import static org.jpeglm.serve.ServerErrorsTest.assertError;
import static org.jpeglm.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jpeglm.codec.Task;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.serve.TestServer.Sse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shutting down drains: readiness goes 503 at once, new requests get 503 "shutting down" with Retry-After and a
 * closed connection, running requests finish if they can within the drain time, and those that cannot are cancelled
 * with a last word (a waiting request its 503, a stream its error event); then the server stops, within a bounded
 * time. An image of the test's own holds the scheduler (one sequence) so that the clients' images wait while the
 * test looks.
 */
class ServerDrainTest {
    private static final String GENERATIONS = "/v1/images/generations";

    @TempDir
    Path dir;

    private final CountDownLatch release = new CountDownLatch(1);

    private Task<GeneratedImage> hold(TestServer s) throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        Task<GeneratedImage> holder = s.server
                .service()
                .submit(s.server.service().request(1).maxTokens(4).build(), event -> {
                    entered.countDown();
                    try {
                        release.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        assertTrue(entered.await(1, TimeUnit.MINUTES), "the holding image never started");
        return holder;
    }

    /** A stream and a waiting request, their images queued behind the held one. */
    private record Clients(CompletableFuture<List<Sse>> stream, CompletableFuture<HttpResponse<byte[]>> waiting) {}

    private static Clients clients(TestServer s) throws InterruptedException {
        CompletableFuture<List<Sse>> stream = CompletableFuture.supplyAsync(
                () -> s.stream(GENERATIONS, "{\"n\": 2, \"seed\": 1, \"max_tokens\": 8, \"stream\": true}"));
        CompletableFuture<HttpResponse<byte[]>> waiting = CompletableFuture.supplyAsync(
                () -> s.postJson(GENERATIONS, "{\"n\": 1, \"seed\": 2, \"max_tokens\": 8}"));
        awaitTrue(() -> s.server.stats().queued() == 3, "the clients' images were never queued");
        return new Clients(stream, waiting);
    }

    @Test
    void runningRequestsFinishWithinTheDrainTimeWhileNewOnesAreTurnedAway() throws Exception {
        TestServer s = TestServer.start(dir, 1, b -> b.drainTime(Duration.ofMinutes(1)));
        int port = s.server.port();
        try {
            Task<GeneratedImage> holder = hold(s);
            Clients c = clients(s);
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(s.server::shutdown);
            awaitTrue(() -> s.get("/ready").statusCode() == 503, "still ready while draining");
            assertEquals("draining", json(s.get("/ready")).get("status").asText());
            assertEquals(200, s.get("/health").statusCode(), "alive while it drains");
            assertFalse(s.server.accepting());

            HttpResponse<byte[]> turned = s.postJson(GENERATIONS, "{\"seed\": 3}");
            JsonNode e = assertError(503, null, turned);
            assertTrue(e.get("message").asText().contains("shutting down"), e.toString());
            assertEquals("1", turned.headers().firstValue("Retry-After").orElseThrow());

            release.countDown(); // the running requests may now finish, within the drain time
            List<Sse> events = c.stream().get(1, TimeUnit.MINUTES);
            assertEquals("done", events.getLast().event(), events.toString());
            assertEquals(
                    2, events.stream().filter(x -> x.event().equals("image")).count());
            assertEquals(200, c.waiting().get(1, TimeUnit.MINUTES).statusCode());
            stopped.get(1, TimeUnit.MINUTES);
            assertTrue(holder.isDone());
            assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close(), "stopped");
        } finally {
            release.countDown();
            s.close();
        }
    }

    @Test
    void requestsStillRunningWhenTheDrainEndsAreCancelledWithALastWord() throws Exception {
        TestServer s = TestServer.start(dir, 1, b -> b.drainTime(Duration.ofMillis(200)));
        try {
            hold(s);
            Clients c = clients(s);
            long start = System.nanoTime();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(s.server::shutdown);
            // The drain's end closes the service: it takes no more work. Only then is the scheduler let go.
            awaitTrue(() -> serviceClosed(s), "the service was not closed at the drain's end");
            release.countDown();

            List<Sse> events = c.stream().get(1, TimeUnit.MINUTES);
            Sse last = events.getLast();
            assertEquals("error", last.event(), events.toString());
            assertEquals(503, last.data().get("error").get("code").asInt(), last.toString());
            assertTrue(last.data().get("error").get("message").asText().contains("shutting down"), last.toString());

            HttpResponse<byte[]> waiting = c.waiting().get(1, TimeUnit.MINUTES);
            assertError(503, null, waiting);
            assertTrue(waiting.headers().firstValue("Retry-After").isPresent(), "a retryable answer");

            stopped.get(1, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertTrue(seconds < 30, "stopped within a bounded time: " + seconds + " s");
        } finally {
            release.countDown();
            s.close();
        }
    }

    @Test
    void anIdleServerStopsAtOnce() throws Exception {
        TestServer s = TestServer.start(dir, 1, b -> b.drainTime(Duration.ofMinutes(5)));
        try {
            long start = System.nanoTime();
            s.server.shutdown();
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "nothing to wait for");
            s.server.shutdown(); // a second call returns at once
        } finally {
            s.close();
        }
    }

    private static boolean serviceClosed(TestServer s) {
        try {
            s.server
                    .service()
                    .submit(s.server.service().request(1).build(), e -> {})
                    .cancel();
            return false;
        } catch (IllegalStateException closed) {
            return true;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String failure) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); System.nanoTime() < end; Thread.sleep(20)) {
            if (condition.getAsBoolean()) {
                return;
            }
        }
        throw new AssertionError(failure);
    }
}
