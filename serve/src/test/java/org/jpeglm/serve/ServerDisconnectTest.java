package org.jpeglm.serve;

import static org.jpeglm.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jpeglm.codec.ServiceStats;
import org.jpeglm.codec.Task;
import org.jpeglm.image.GeneratedImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients of non-streamed requests that leave while their images wait: they are noticed without anything written to
 * them, and their images cancelled; a client that stays, or sends its next request ahead, is answered as always. An
 * image of the test's own holds the scheduler (one sequence) in its listener, so the clients' images stay queued
 * however fast the machine is: nothing here depends on timing but for generous bounded waits.
 */
class ServerDisconnectTest {
    private static final String GENERATIONS = "/v1/images/generations";

    @TempDir
    static Path dir;

    static TestServer server;

    private final CountDownLatch release = new CountDownLatch(1);
    private Task<GeneratedImage> holder;

    @BeforeAll
    static void start() throws Exception {
        // No keep-alive writes while a stream waits: only the watched connection can tell that its client left.
        server = TestServer.start(dir, 1, b -> b.keepAlive(Duration.ofHours(1)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Occupies the only sequence and holds the scheduler until release. */
    @BeforeEach
    void hold() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        holder = server.server
                .service()
                .submit(server.server.service().request(1).build(), event -> {
                    entered.countDown();
                    awaitQuietly(release);
                });
        assertTrue(entered.await(1, TimeUnit.MINUTES), "the holding image never started");
    }

    @AfterEach
    void unhold() throws InterruptedException {
        release.countDown();
        holder.cancel();
        awaitIdle();
    }

    @Test
    void aWaitingJsonClientThatLeavesHasItsImagesCancelled() throws Exception {
        assertLeavingClientIsNoticed("{\"n\": 4, \"seed\": 3}", 4);
    }

    @Test
    void aWaitingBytesClientThatLeavesHasItsImageCancelled() throws Exception {
        assertLeavingClientIsNoticed("{\"seed\": 3, \"response_format\": \"bytes\"}", 1);
    }

    /** A client that sends body, waits until its n images are queued, and closes its socket. */
    private void assertLeavingClientIsNoticed(String body, int n) throws Exception {
        long disconnects = disconnects();
        long made = server.server.stats().done();
        long left = leftRequests();
        try (Socket client = new Socket("127.0.0.1", server.server.port())) {
            postQueued(client, body, n);
        }
        // The scheduler is still held: only the closed connection can have told the server.
        awaitTrue(() -> disconnects() == disconnects + 1, "the closed connection was not noticed");
        release.countDown();
        ServiceStats idle = awaitIdle();
        assertEquals(made + 1, idle.done(), "only the holder's image was made: " + idle);
        awaitTrue(() -> leftRequests() == left + 1, "the request was not counted as one whose client left");
        assertEquals(200, server.postJson(GENERATIONS, "{\"seed\": 1}").statusCode());
        assertEquals(200, server.postJson(GENERATIONS, "{\"seed\": 2}").statusCode(), "on the same connection");
    }

    @Test
    void aStreamingClientThatLeavesWhileItsImagesWaitHasThemCancelled() throws Exception {
        long disconnects = disconnects();
        long made = server.server.stats().done();
        try (Socket client = new Socket("127.0.0.1", server.server.port())) {
            postQueued(client, "{\"n\": 3, \"seed\": 6, \"stream\": true}", 3);
            InputStream in = client.getInputStream();
            assertTrue(new String(in.readNBytes(15), StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
        }
        // Nothing is written to the stream while the scheduler is held: a write cannot be what tells the server.
        awaitTrue(() -> disconnects() == disconnects + 1, "the closed stream was not noticed");
        release.countDown();
        ServiceStats idle = awaitIdle();
        assertEquals(made + 1, idle.done(), "only the holder's image was made: " + idle);
        assertEquals(
                200,
                server.postJson(GENERATIONS, "{\"seed\": 7, \"stream\": true}").statusCode());
    }

    @Test
    void aScoringClientThatLeavesIsNoticedAndItsImagesAreNotScored() throws Exception {
        long disconnects = disconnects();
        long left = server.metric(
                "jpeglm_http_requests_total",
                "endpoint",
                "/v1/images/scores",
                "status",
                Integer.toString(GenerationHandler.CLIENT_CLOSED));
        String png =
                java.util.Base64.getEncoder().encodeToString(TestServer.png(org.jpeglm.testing.TinyJpegLm.picture(2)));
        String body = "{\"image\": [\"" + png + "\", \"" + png + "\"]}";
        try (Socket client = new Socket("127.0.0.1", server.server.port())) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            send(
                    client,
                    "POST /v1/images/scores HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + bytes.length + "\r\n\r\n" + body);
            // The whole request went in one write: once its handler runs, its body is the server's.
            awaitTrue(() -> server.server.requestsInFlight() == 1, "the scoring request never reached its handler");
        }
        // The scheduler is held: nothing was scored, and only the closed connection can have told the server.
        awaitTrue(() -> disconnects() == disconnects + 1, "the closed connection was not noticed");
        awaitTrue(
                () -> server.metric(
                                "jpeglm_http_requests_total",
                                "endpoint",
                                "/v1/images/scores",
                                "status",
                                Integer.toString(GenerationHandler.CLIENT_CLOSED))
                        == left + 1,
                "the request was not counted as one whose client left");
        assertEquals(0, server.server.requestsInFlight(), "its handler ended without waiting for the scores");
    }

    @Test
    void aRequestSentAheadOnTheSameConnectionIsAnsweredAfterTheWaitingOne() throws Exception {
        long disconnects = disconnects();
        try (Socket client = new Socket("127.0.0.1", server.server.port())) {
            postQueued(client, "{\"seed\": 4}", 1);
            // Arrives while the first waits: the server must leave these bytes for the next request.
            send(client, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            release.countDown();
            String answers = readAll(client.getInputStream());
            assertEquals(2, answers.split("HTTP/1.1 200 ", -1).length - 1, answers);
            assertTrue(answers.indexOf("\"b64_json\"") < answers.indexOf("\"slots_processing\""), answers);
        }
        assertEquals(disconnects, disconnects(), "a client that sent more did not leave");
    }

    @Test
    void aClientThatHalfClosesIsTakenAsGone() throws Exception {
        long disconnects = disconnects();
        try (Socket client = new Socket("127.0.0.1", server.server.port())) {
            postQueued(client, "{\"seed\": 5}", 1);
            client.shutdownOutput();
            awaitTrue(() -> disconnects() == disconnects + 1, "the end of the client's stream was not noticed");
        }
    }

    /** Sends a generation request on client and waits until its images wait in the (held) scheduler's queue. */
    private void postQueued(Socket client, String body, int images) throws Exception {
        send(client, post(body));
        awaitTrue(() -> server.server.stats().queued() == images, "the request's images were never queued");
    }

    private static String post(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + GENERATIONS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n" + body;
    }

    private static void send(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static long disconnects() {
        return server.metric("jpeglm_client_disconnects_total");
    }

    /** Generation requests answered with the status of a client that left. */
    private static long leftRequests() {
        return server.metric(
                "jpeglm_http_requests_total",
                "endpoint",
                GENERATIONS,
                "status",
                Integer.toString(GenerationHandler.CLIENT_CLOSED));
    }

    private static ServiceStats awaitIdle() throws InterruptedException {
        awaitTrue(
                () -> server.server.stats().queued() == 0
                        && server.server.stats().activeSequences() == 0,
                "the service is still busy");
        return server.server.stats();
    }

    /** Waits up to a minute for condition. */
    private static void awaitTrue(BooleanSupplier condition, String failure) throws InterruptedException {
        for (long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); System.nanoTime() < end; ) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(failure + ": " + server.server.stats() + ", " + json(server.get("/health")));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
