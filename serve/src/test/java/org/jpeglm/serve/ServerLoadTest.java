package org.jpeglm.serve;

import static org.jpeglm.serve.TestServer.base64;
import static org.jpeglm.serve.TestServer.decode;
import static org.jpeglm.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jpeglm.serve.TestServer.Sse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many clients at once, and clients that leave. */
class ServerLoadTest {
    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, 8, b -> {});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void thirtyTwoClientsOfFourImagesAreAllAnsweredAndClean() throws Exception {
        List<Future<List<JsonNode>>> answers = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < 32; c++) {
                int client = c;
                answers.add(clients.submit(() -> images(client)));
            }
        }
        for (int c = 0; c < 32; c++) {
            List<JsonNode> images = answers.get(c).get();
            assertEquals(4, images.size(), "client " + c);
            TreeSet<Integer> indexes = new TreeSet<>();
            for (JsonNode img : images) {
                indexes.add(img.get("index").asInt());
                assertTrue(img.get("clean").asBoolean(), "client " + c + ": " + img);
                assertEquals(16, decode(base64(img.get("b64_json"))).getWidth());
            }
            assertEquals(List.of(0, 1, 2, 3), List.copyOf(indexes), "client " + c);
        }
    }

    /** One client's four images: even clients stream, odd ones wait for JSON. */
    private static List<JsonNode> images(int client) {
        String request = "{\"n\": 4, \"seed\": " + client + ", \"stream\": " + (client % 2 == 0) + "}";
        if (client % 2 == 0) {
            List<Sse> events = server.stream("/v1/images/generations", request);
            assertEquals("done", events.getLast().event(), "client " + client);
            return events.stream()
                    .filter(e -> e.event().equals("image"))
                    .map(Sse::data)
                    .toList();
        }
        HttpResponse<byte[]> res = server.postJson("/v1/images/generations", request);
        assertEquals(200, res.statusCode(), new String(res.body(), StandardCharsets.UTF_8));
        List<JsonNode> out = new ArrayList<>();
        json(res).get("data").forEach(out::add);
        return out;
    }

    @Test
    void aClientThatLeavesHasItsImagesCancelled() throws Exception {
        long before = imagesDone();
        HttpResponse<InputStream> res = server.client.send(
                server.request("/v1/images/generations")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"n\": 64, \"seed\": 2, \"stream\": true}"))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = res.body()) {
            assertEquals(200, res.statusCode());
            assertTrue(Sse.next(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) != null);
        } // closing the body before its end closes the connection
        // Once the server notices, the service idles: the 64 images were not all made.
        JsonNode health = awaitIdle();
        assertEquals(0, health.get("queued_images").asInt(), health.toString());
        long made = imagesDone() - before;
        assertTrue(made < 64, made + " of 64 images were made for a client that left");
        assertTrue(server.metric("jpeglm_client_disconnects_total") > 0, "the client that left was counted");
        assertEquals(
                200, server.postJson("/v1/images/generations", "{\"seed\": 1}").statusCode());
    }

    private static JsonNode awaitIdle() throws InterruptedException {
        for (int i = 0; i < 1200; i++) {
            JsonNode health = json(server.get("/health"));
            if (health.get("slots_processing").asInt() == 0
                    && health.get("queued_images").asInt() == 0) {
                return health;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the service is still busy: " + json(server.get("/health")));
    }

    private static long imagesDone() {
        return server.metric("jpeglm_images_total");
    }
}
