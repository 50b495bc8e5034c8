package org.jpeglm.serve;

import static org.jpeglm.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Task;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.serve.ServerEndpointsTest.Multipart;
import org.jpeglm.serve.TestServer.Sse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal: its status, a JSON error naming the field, and the server still answering afterwards. */
class ServerErrorsTest {
    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(
                dir, 2, b -> b.maxBodyBytes(64 << 10).maxImagePixels(256 * 256).maxImagesPerRequest(8));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** res is a JSON error of status naming field (null: none). */
    static JsonNode assertError(int status, String field, HttpResponse<byte[]> res) {
        String text = new String(res.body(), StandardCharsets.UTF_8);
        assertEquals(status, res.statusCode(), text);
        assertTrue(res.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), text);
        JsonNode error = json(res).get("error");
        assertEquals(Integer.toString(status), error.get("code").asText(), text);
        assertEquals(
                field, error.get("field").isNull() ? null : error.get("field").asText(), text);
        assertEquals(error.get("field"), error.get("param"), "OpenAI's name for the field: " + text);
        assertTrue(error.get("message").asText().length() > 5, text);
        return error;
    }

    static HttpResponse<byte[]> generate(String json) {
        return server.postJson("/v1/images/generations", json);
    }

    @Test
    void unknownFieldsAreRefusedByName() {
        JsonNode e = assertError(400, "steps", generate("{\"n\": 1, \"steps\": 30}"));
        assertTrue(e.get("message").asText().contains("unknown field 'steps'"), e.toString());
        Multipart form = new Multipart().field("colour", "red");
        assertError(400, "colour", server.post("/v1/images/scores", form.contentType(), form.body()));
    }

    @Test
    void wrongTypesAndRangesNameTheField() {
        assertError(400, "n", generate("{\"n\": \"four\"}"));
        assertError(400, "n", generate("{\"n\": 0}"));
        assertError(400, "n", generate("{\"n\": 9}"));
        assertError(400, "n", generate("{\"n\": 1.5}"));
        assertError(400, "n", generate("{\"n\": 1e30}"));
        assertError(400, "temperature", generate("{\"temperature\": -1}"));
        assertError(400, "temperature", generate("{\"temperature\": \"hot\"}"));
        assertError(400, "top_p", generate("{\"top_p\": 0}"));
        assertError(400, "min_p", generate("{\"min_p\": 2}"));
        assertError(400, "top_k", generate("{\"top_k\": -3}"));
        assertError(400, "seed", generate("{\"seed\": 18446744073709551616}"));
        JsonNode seed = assertError(400, "seed", generate("{\"seed\": 9007199254740992}")); // 2^53
        assertTrue(seed.get("message").asText().contains("JavaScript"), seed.toString());
        assertError(400, "seed", generate("{\"seed\": -9007199254740992}"));
        assertError(400, "seed", generate("{\"seed\": 6506390156926118731}"));
        assertError(400, "quality", generate("{\"quality\": \"ultra\"}"));
        assertError(400, "style", generate("{\"style\": \"baroque\"}"));
        assertError(400, "prompt", generate("{\"prompt\": 3}"));
        assertError(400, "user", generate("{\"user\": {}}"));
        assertError(400, "prompt", server.postJson("/v1/images/completions", "{\"prompt\": \"\"}"));
        assertError(400, "constrained", generate("{\"constrained\": \"yes\"}"));
        assertError(400, "max_tokens", generate("{\"max_tokens\": 256}"));
        assertError(400, "stream", generate("{\"stream\": 1}"));
        assertError(400, "output_format", generate("{\"output_format\": \"webp\"}"));
        assertError(400, "response_format", generate("{\"response_format\": \"url\"}"));
        assertError(400, "response_format", generate("{\"n\": 2, \"response_format\": \"bytes\"}"));
        assertError(400, "size", generate("{\"size\": \"1024x1024\"}"));
        assertError(400, "preview_mcus", generate("{\"preview_mcus\": 5}"));
        assertError(400, "ratio", server.postJson("/v1/images/completions", "{\"ratio\": 1.5}"));
        assertError(400, "image", server.postJson("/v1/images/completions", "{\"ratio\": 0.5}"));
        assertError(
                400,
                "n",
                server.postJson(
                        "/v1/images/completions",
                        "{\"image\": [\"" + tinyPng() + "\", \"" + tinyPng() + "\"], \"n\": 5}"));
        Multipart form = new Multipart().field("seed", "abc");
        assertError(400, "seed", server.post("/v1/images/generations", form.contentType(), form.body()));
    }

    @Test
    void malformedBodiesAreRefused() {
        assertError(400, null, generate("{\"n\": 1"));
        assertError(400, null, generate("[1, 2]"));
        assertError(400, null, generate(""));
        assertError(400, null, generate("{\"n\": 1} {\"n\": 2}"));
        assertError(400, null, generate("{\"n\": 1, \"n\": 2}"));
        assertError(415, null, server.post("/v1/images/generations", "application/xml", "<n>1</n>".getBytes()));
        assertEquals(
                200,
                server.post("/v1/images/generations", "application/x-www-form-urlencoded", "{\"seed\": 2}".getBytes())
                        .statusCode(),
                "curl -d sends JSON as a form's type");
    }

    @Test
    void badImagesNameTheirField() {
        assertError(400, "image", server.postJson("/v1/images/scores", "{\"image\": \"not base64 !!\"}"));
        String notImage = Base64.getEncoder().encodeToString("hello, not an image".getBytes());
        assertError(400, "image", server.postJson("/v1/images/scores", "{\"image\": \"" + notImage + "\"}"));
        byte[] png = TestServer.png(new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY));
        String truncated = Base64.getEncoder().encodeToString(Arrays.copyOf(png, png.length / 2));
        assertError(400, "image", server.postJson("/v1/images/scores", "{\"image\": \"" + truncated + "\"}"));
        assertError(400, "image", server.postJson("/v1/images/scores", "{\"image\": 42}"));
        byte[] jpeg = noiseJpeg(64);
        String cut = Base64.getEncoder().encodeToString(Arrays.copyOf(jpeg, jpeg.length / 2));
        JsonNode cutShort =
                assertError(400, "image", server.postJson("/v1/images/completions", "{\"image\": \"" + cut + "\"}"));
        assertTrue(cutShort.get("message").asText().contains("cut short"), cutShort.toString());
        Multipart form = new Multipart().file("seed", "x.png", png);
        assertError(400, "seed", server.post("/v1/images/completions", form.contentType(), form.body()));
    }

    /** A JPEG file of random pixels: its scan fills most of the file. */
    static byte[] noiseJpeg(int side) {
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
        Random random = new Random(1);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpeg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Test
    void largeBodiesAndImagesAre413() {
        byte[] big = new byte[200 << 10];
        Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        big[big.length - 1] = '}';
        assertError(413, null, server.post("/v1/images/generations", "application/json", big));
        Multipart form = new Multipart().file("image", "big.bin", big);
        assertError(413, null, server.post("/v1/images/scores", form.contentType(), form.body()));
        // Small as a file, too many pixels to decode: refused from its header.
        byte[] wide = TestServer.png(new BufferedImage(2000, 40, BufferedImage.TYPE_BYTE_GRAY));
        assertTrue(wide.length < 64 << 10);
        JsonNode e = assertError(
                413,
                "image",
                server.postJson(
                        "/v1/images/scores",
                        "{\"image\": \"" + Base64.getEncoder().encodeToString(wide) + "\"}"));
        assertTrue(e.get("message").asText().contains("2000x40"), e.toString());
    }

    @Test
    void unknownPathsAndMethods() {
        assertError(404, null, server.get("/v1/images/variations"));
        JsonNode edits = assertError(404, null, server.postJson("/v1/images/edits", "{\"prompt\": \"\"}"));
        assertTrue(edits.get("message").asText().contains("POST /v1/images/completions"), edits.toString());
        assertError(405, null, server.get("/v1/images/generations"));
    }

    @Test
    void theServerStillAnswersAfterEveryRefusal() {
        generate("{\"n\": \"x\"}");
        server.postJson("/v1/images/scores", "{\"image\": \"////\"}");
        assertEquals(200, generate("{\"n\": 1, \"seed\": 3}").statusCode());
        String metrics = new String(server.get("/metrics").body(), StandardCharsets.UTF_8);
        assertTrue(metrics.contains("endpoint=\"/v1/images/generations\",status=\"400\""), metrics);
    }

    @Test
    void aWrongOrMissingKeyIs401() throws Exception {
        try (TestServer keyed = TestServer.start(dir, 1, b -> b.apiKey("s3cret"))) {
            assertError(401, null, keyed.postJson("/v1/images/generations", "{}"));
            assertError(401, null, keyed.postJson("/v1/images/generations", "{}", "Authorization", "Bearer nope"));
            assertError(401, null, keyed.get("/v1/models"));
            assertError(401, null, keyed.get("/metrics", "X-Api-Key", "s3cre"));
            assertEquals(
                    200,
                    keyed.get("/v1/models", "Authorization", "Bearer s3cret").statusCode());
            assertEquals(200, keyed.get("/metrics", "X-Api-Key", "s3cret").statusCode());
            assertEquals(200, keyed.get("/health").statusCode(), "health needs no key, as in llama-server");
            assertEquals(200, keyed.get("/").statusCode(), "the page needs no key; its requests do");
        }
    }

    @Test
    void aKeyNoClientCouldSendReliablyIsRefusedAtStart() {
        // HTTP carries header bytes: Jetty reads them as ISO-8859-1, clients encode non-ASCII text as they like.
        for (String key : List.of("", "   ", "cl\u00e9", "two words", "tab\tkey", "\u5bc6\u94a5")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ServeOptions.builder().apiKey(key).build(),
                    key);
            assertTrue(e.getMessage().contains("API key"), e.getMessage());
        }
        assertEquals(
                "a-Key_0.9~+/=",
                ServeOptions.builder().apiKey("a-Key_0.9~+/=").build().apiKey());
    }

    @Test
    void aFullQueueIs503WithRetryAfter() throws Exception {
        try (TestServer small = TestServer.start(
                dir,
                1,
                b -> b.maxImagesPerRequest(4)
                        .service(GenerationOptions.builder()
                                .parallel(1)
                                .threads(2)
                                .maxQueued(4)
                                .build()))) {
            // Holds the scheduler in a listener while its image occupies the only sequence, so what is queued next
            // stays queued however fast the machine is.
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Task<GeneratedImage> holder = small.server
                    .service()
                    .submit(small.server.service().request(1).build(), event -> {
                        entered.countDown();
                        awaitQuietly(release);
                    });
            try {
                assertTrue(entered.await(1, TimeUnit.MINUTES), "the holding image never started");
                HttpResponse<InputStream> first = small.client.send(
                        small.request("/v1/images/generations")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"n\": 4, \"seed\": 1, \"stream\": true, \"max_tokens\": 200}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = first.body()) {
                    assertEquals(200, first.statusCode(), "4 images fill the queue of 4, not more");
                    HttpResponse<byte[]> refused = small.postJson("/v1/images/generations", "{\"n\": 2}");
                    assertError(503, null, refused);
                    int retry = Integer.parseInt(
                            refused.headers().firstValue("Retry-After").orElseThrow());
                    assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
                    release.countDown();
                    assertTrue(Sse.next(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) != null);
                }
            } finally {
                release.countDown();
                holder.cancel();
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tinyPng() {
        return Base64.getEncoder()
                .encodeToString(TestServer.png(new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY)));
    }
}
