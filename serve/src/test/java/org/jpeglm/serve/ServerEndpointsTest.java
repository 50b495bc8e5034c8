package org.jpeglm.serve;

import static org.jpeglm.serve.TestServer.base64;
import static org.jpeglm.serve.TestServer.decode;
import static org.jpeglm.serve.TestServer.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.serve.TestServer.Sse;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each endpoint through a real HTTP client, streamed and not. */
class ServerEndpointsTest {
    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, 4, b -> {});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthSaysOk() {
        HttpResponse<byte[]> res = server.get("/health");
        assertEquals(200, res.statusCode());
        assertEquals("ok", json(res).get("status").asText());
        assertEquals("tiny.gguf", json(res).get("model").asText());
    }

    @Test
    void modelsListTheModelAndItsProfile() {
        JsonNode body = json(server.get("/v1/models"));
        JsonNode model = body.get("data").get(0);
        assertEquals("tiny.gguf", model.get("id").asText());
        JsonNode profile = model.get("meta").get("profile");
        assertEquals(16, profile.get("width").asInt());
        assertEquals(16, profile.get("height").asInt());
        assertEquals("GRAY", profile.get("subsampling").asText());
        assertEquals(4, profile.get("mcus").asInt());
        assertEquals(256, model.get("meta").get("context_length").asInt());
        assertEquals(4, model.get("meta").get("parallel").asInt());
        assertFalse(model.get("meta").get("deterministic").asBoolean(), "off by default");
        JsonNode threads = model.get("meta").get("threads");
        assertTrue(
                threads.get("threads").asInt() >= 1
                        && threads.get("threads_batch").asInt() >= 1,
                threads.toString());
        assertTrue(threads.get("reason").asText().contains("for batches"), threads.toString());
    }

    @Test
    void aDeterministicServerSaysSo() throws Exception {
        Path other = dir.resolve("deterministic");
        Files.createDirectories(other);
        try (TestServer s = TestServer.start(
                other,
                2,
                b -> b.service(GenerationOptions.builder()
                        .parallel(2)
                        .threads(2)
                        .deterministic(true)
                        .build()))) {
            JsonNode meta = json(s.get("/v1/models")).get("data").get(0).get("meta");
            assertTrue(meta.get("deterministic").asBoolean());
            HttpResponse<byte[]> res = s.postJson("/v1/images/generations", "{\"n\": 3, \"seed\": 5}");
            assertEquals(200, res.statusCode(), () -> new String(res.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void generationsAnswerWithDecodableJpegs() {
        HttpResponse<byte[]> res =
                server.postJson("/v1/images/generations", "{\"n\": 3, \"seed\": 5, \"temperature\": 0.9}");
        assertEquals(200, res.statusCode(), () -> new String(res.body(), StandardCharsets.UTF_8));
        JsonNode body = json(res);
        assertEquals(3, body.get("data").size());
        for (int i = 0; i < 3; i++) {
            JsonNode img = body.get("data").get(i);
            assertEquals(i, img.get("index").asInt());
            assertEquals("jpeg", img.get("output_format").asText());
            byte[] jpeg = base64(img.get("b64_json"));
            assertEquals(0xFF, jpeg[0] & 0xFF);
            assertEquals(0xD8, jpeg[1] & 0xFF);
            assertEquals(16, decode(jpeg).getWidth());
            assertTrue(img.get("clean").asBoolean(), img.toString());
        }
        assertEquals(5, body.get("usage").get("seed").asLong());
        assertEquals(3, body.get("usage").get("images").asInt());
    }

    @Test
    void randomSeedsAreExactInJavaScriptAndMakeTheImagesAgain() {
        JsonNode first = json(server.postJson("/v1/images/generations", "{\"n\": 2}"));
        long seed = first.get("usage").get("seed").asLong();
        assertTrue(seed >= 0 && seed <= GenerationParams.MAX_SEED, "below 2^53: " + seed);
        assertEquals(seed, (long) (double) seed, "a double holds it exactly");
        JsonNode again = json(server.postJson("/v1/images/generations", "{\"n\": 2, \"seed\": " + seed + "}"));
        for (int i = 0; i < 2; i++) {
            JsonNode img = first.get("data").get(i);
            assertEquals(seed, img.get("seed").asLong(), "each image names the request's seed");
            assertTrue(img.get("image_seed").isTextual(), "its own 64-bit seed as a string: " + img);
            assertEquals(img.get("b64_json"), again.get("data").get(i).get("b64_json"), "image " + i);
            assertEquals(img.get("image_seed"), again.get("data").get(i).get("image_seed"));
        }
        JsonNode largest = json(server.postJson(
                "/v1/images/generations", "{\"seed\": " + GenerationParams.MAX_SEED + ", \"max_tokens\": 2}"));
        assertEquals(GenerationParams.MAX_SEED, largest.get("usage").get("seed").asLong());
    }

    @Test
    void openAiFieldsAreTakenAndChangeNothing() {
        String own = "{\"n\": 2, \"seed\": 21}";
        String openAi = "{\"n\": 2, \"seed\": 21, \"prompt\": \"\", \"model\": \"tiny.gguf\", \"size\": \"auto\","
                + " \"quality\": \"hd\", \"style\": \"natural\", \"user\": \"u-1\", \"response_format\": \"b64_json\"}";
        JsonNode a = json(server.postJson("/v1/images/generations", own));
        JsonNode b = json(server.postJson("/v1/images/generations", openAi));
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    a.get("data").get(i).get("b64_json"), b.get("data").get(i).get("b64_json"));
            assertEquals("", b.get("data").get(i).get("revised_prompt").asText());
        }
        assertEquals(null, b.get("warnings"), "nothing ignored that could matter: " + b.get("warnings"));
        assertEquals("jpeg", b.get("output_format").asText());
        JsonNode usage = b.get("usage");
        assertEquals(usage.get("tokens"), usage.get("output_tokens"));
        assertEquals(2, usage.get("input_tokens").asInt(), "a BOS per image");
        assertEquals(
                usage.get("input_tokens").asLong() + usage.get("output_tokens").asLong(),
                usage.get("total_tokens").asLong());

        JsonNode told = json(server.postJson(
                "/v1/images/generations",
                "{\"seed\": 21, \"prompt\": \"a red shirt\", \"model\": \"dall-e-3\", \"size\": \"16x16\"}"));
        assertEquals(
                a.get("data").get(0).get("b64_json"), told.get("data").get(0).get("b64_json"));
        String warnings = told.get("warnings").toString();
        assertTrue(warnings.contains("prompt ignored") && warnings.contains("dall-e-3"), warnings);
    }

    @Test
    void theSameSeedGivesTheSameImages() {
        String request = "{\"n\": 2, \"seed\": 77}";
        JsonNode a = json(server.postJson("/v1/images/generations", request));
        JsonNode b = json(server.postJson("/v1/images/generations", request));
        for (int i = 0; i < 2; i++) {
            assertEquals(
                    a.get("data").get(i).get("b64_json").asText(),
                    b.get("data").get(i).get("b64_json").asText());
        }
    }

    @Test
    void pngAndRawBytesAreOffered() {
        JsonNode png = json(server.postJson("/v1/images/generations", "{\"seed\": 1, \"output_format\": \"png\"}"));
        byte[] file = base64(png.get("data").get(0).get("b64_json"));
        assertEquals(0x89, file[0] & 0xFF);
        assertEquals(16, decode(file).getHeight());

        HttpResponse<byte[]> raw =
                server.postJson("/v1/images/generations", "{\"seed\": 1, \"response_format\": \"bytes\"}");
        assertEquals(200, raw.statusCode());
        assertEquals("image/jpeg", raw.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("1", raw.headers().firstValue("X-Jpeglm-Seed").orElseThrow());
        assertEquals(16, decode(raw.body()).getWidth());
    }

    /**
     * The last image is not flushed alone: it goes out with the done event and the body's end in one chunk (one write,
     * one wake-up of the client instead of three), as the task completes in the step that finished it.
     */
    @Test
    void aStreamsLastImageGoesOutWithItsEndInOneWrite() throws IOException {
        String body = "{\"n\": 2, \"seed\": 9, \"stream\": true}";
        List<String> chunks;
        try (Socket s = new Socket("127.0.0.1", server.server.port())) {
            s.setSoTimeout(60_000);
            s.getOutputStream()
                    .write(("POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                                    + "application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(s.getInputStream());
            String head = "";
            for (String line; !(line = line(in)).isEmpty(); ) {
                head += line + "\n";
            }
            assertTrue(head.startsWith("HTTP/1.1 200") && head.contains("Transfer-Encoding: chunked"), head);
            chunks = chunks(in);
        }
        String last = chunks.getLast();
        assertTrue(last.contains("event: image\n") && last.contains("event: done\n"), "the last write: " + last);
        assertTrue(last.lastIndexOf("event: image\n") < last.indexOf("event: done\n"), last);
        assertEquals(2, String.join("", chunks).split("event: image\n", -1).length - 1, "two images: " + chunks);
    }

    /** The chunks of a chunked body, as written, up to its end. */
    private static List<String> chunks(InputStream in) throws IOException {
        List<String> chunks = new ArrayList<>();
        for (int size; (size = Integer.parseInt(line(in), 16)) > 0; ) {
            chunks.add(new String(in.readNBytes(size), StandardCharsets.UTF_8));
            line(in); // the CRLF after the chunk
        }
        return chunks;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("the connection closed mid-line");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void aStreamSendsProgressPreviewsImagesThenDone() {
        List<Sse> events = server.stream(
                "/v1/images/generations", "{\"n\": 3, \"seed\": 9, \"stream\": true, \"preview_interval_ms\": 0}");
        assertEquals("done", events.getLast().event());
        assertEquals(3, events.getLast().data().get("images").asInt());
        for (Sse e : events) {
            // Clients that hand on only the data (OpenAI's SDKs) tell the events apart by it.
            assertEquals(e.event(), e.data().path("type").asText(), "the data names its event: " + e);
        }
        Map<Integer, Integer> lastMcus = new HashMap<>();
        Map<Integer, Integer> images = new HashMap<>();
        int previews = 0;
        for (Sse e : events.subList(0, events.size() - 1)) {
            int index = e.data().get("index").asInt();
            assertTrue(!images.containsKey(index), "no event after an image's final one: " + e);
            switch (e.event()) {
                case "progress" -> {
                    int mcus = e.data().get("mcus").asInt();
                    assertTrue(mcus >= lastMcus.getOrDefault(index, 0), "MCUs never go back: " + e);
                    assertTrue(mcus <= e.data().get("total_mcus").asInt());
                    lastMcus.put(index, mcus);
                }
                case "preview" -> {
                    assertEquals("jpeg", e.data().get("output_format").asText(), "previews come as the images do");
                    assertEquals(16, decode(base64(e.data().get("b64_json"))).getWidth());
                    previews++;
                }
                case "image" -> {
                    assertEquals(16, decode(base64(e.data().get("b64_json"))).getWidth());
                    images.put(index, 1);
                }
                default -> throw new AssertionError("unexpected event " + e);
            }
        }
        assertEquals(3, images.size());
        assertTrue(previews > 0, "previews were asked for");
    }

    @Test
    void aStreamWithoutPreviewsSendsNone() {
        List<Sse> events = server.stream(
                "/v1/images/generations", "{\"n\": 2, \"seed\": 9, \"stream\": true, \"preview_mcus\": 0}");
        assertTrue(events.stream().noneMatch(e -> e.event().equals("preview")));
        assertEquals(2, events.stream().filter(e -> e.event().equals("image")).count());
    }

    /**
     * An OpenAI request (it names a prompt) streams OpenAI's events: without partial_images only each image's completed
     * event, and no done; events "jpeglm" keeps jpeglm's own; partial_images is OpenAI's 0 to 3.
     */
    @Test
    void aStreamWithAPromptSendsOpenAisEventsUnlessAskedForJpeglms() {
        List<Sse> openAi =
                server.stream("/v1/images/generations", "{\"prompt\": \"\", \"n\": 2, \"seed\": 9, \"stream\": true}");
        assertEquals(List.of("image_generation.completed", "image_generation.completed"), names(openAi));
        for (Sse e : openAi) {
            assertEquals(e.event(), e.data().get("type").asText());
            assertEquals(16, decode(base64(e.data().get("b64_json"))).getWidth());
            assertEquals("auto", e.data().get("size").asText());
        }
        List<Sse> own = server.stream(
                "/v1/images/generations",
                "{\"prompt\": \"\", \"n\": 2, \"seed\": 9, \"stream\": true, \"events\": \"jpeglm\"}");
        assertEquals("done", own.getLast().event());
        assertEquals(2, own.stream().filter(e -> e.event().equals("image")).count());
        HttpResponse<byte[]> tooMany = server.postJson(
                "/v1/images/generations", "{\"prompt\": \"\", \"stream\": true, \"partial_images\": 4}");
        assertEquals(400, tooMany.statusCode());
        assertTrue(new String(tooMany.body(), StandardCharsets.UTF_8).contains("partial_images"));
    }

    private static List<String> names(List<Sse> events) {
        return events.stream().map(Sse::event).toList();
    }

    @Test
    void completionsTakeBase64() {
        String b64 = Base64.getEncoder().encodeToString(TestServer.png(TinyJpegLm.picture(3)));
        HttpResponse<byte[]> res = server.postJson(
                "/v1/images/completions",
                "{\"image\": \"data:image/png;base64," + b64 + "\", \"ratio\": 0.5, \"n\": 2, \"seed\": 4}");
        assertEquals(200, res.statusCode(), () -> new String(res.body(), StandardCharsets.UTF_8));
        JsonNode data = json(res).get("data");
        assertEquals(2, data.size());
        for (JsonNode img : data) {
            assertTrue(img.get("prompt_tokens").asInt() > 1, "the top half is the prompt: " + img);
            assertEquals(16, decode(base64(img.get("b64_json"))).getWidth());
        }
    }

    @Test
    void completionsTakeMultipartAndStream() {
        Multipart form = new Multipart()
                .file("image", "picture.png", TestServer.png(TinyJpegLm.picture(4)))
                .field("ratio", "0.25")
                .field("seed", "3")
                .field("stream", "true");
        HttpResponse<byte[]> res = server.post("/v1/images/completions", form.contentType(), form.body());
        assertEquals(200, res.statusCode(), () -> new String(res.body(), StandardCharsets.UTF_8));
        String text = new String(res.body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("event: image\n"), text);
        assertTrue(text.endsWith("\n\n") && text.contains("event: done\n"), text);
    }

    @Test
    void scoresGiveBitsPerByteForJsonAndMultipart() {
        byte[] png = TestServer.png(TinyJpegLm.picture(5));
        JsonNode a = json(server.postJson(
                "/v1/images/scores", "{\"image\": [\"" + Base64.getEncoder().encodeToString(png) + "\"]}"));
        Multipart form = new Multipart().file("image", "p.png", png);
        JsonNode b = json(server.post("/v1/images/scores", form.contentType(), form.body()));
        double bpb = a.get("data").get(0).get("bits_per_byte").asDouble();
        assertTrue(bpb > 0 && Double.isFinite(bpb), a.toString());
        assertEquals(bpb, b.get("data").get(0).get("bits_per_byte").asDouble(), 1e-9, "same image, same score");
        assertTrue(a.get("data").get(0).get("tokens").asInt() > 1);
        assertEquals(bpb, a.get("bits_per_byte").asDouble(), 1e-9);
    }

    @Test
    void metricsCountRequestsAndImages() {
        long before = server.metric("jpeglm_images_total");
        server.postJson("/v1/images/generations", "{\"n\": 2, \"seed\": 1}");
        String id = json(server.get("/v1/models")).get("data").get(0).get("id").asText();
        assertEquals(200, server.get("/v1/models/" + id).statusCode());
        assertEquals(404, server.get("/v1/models/another").statusCode());
        Exposition m = server.metrics();
        // One model is its own endpoint, whatever its id (not "other", nor a label per id).
        assertTrue(
                m.value("jpeglm_http_requests_total", "endpoint", "/v1/models/{model}", "status", "200") >= 1,
                m.toString());
        assertTrue(m.value("jpeglm_http_requests_total", "endpoint", "/v1/models/{model}", "status", "404") >= 1);
        assertEquals("counter", m.types().get("jpeglm_images_total"));
        assertTrue(m.value("jpeglm_http_requests_total", "endpoint", "/v1/images/generations", "status", "200") >= 1);
        assertTrue(m.value("jpeglm_images_total") >= before + 2, m.toString());
        for (String gauge : List.of(
                "jpeglm_tokens_per_second", "jpeglm_queue_images", "jpeglm_kv_cells_in_use", "jpeglm_errors_total")) {
            assertTrue(m.samples().stream().anyMatch(s -> s.name().equals(gauge)), gauge + " in " + m);
        }
    }

    @Test
    void thePageIsServed() {
        HttpResponse<byte[]> page = server.get("/");
        assertEquals(200, page.statusCode());
        String html = new String(page.body(), StandardCharsets.UTF_8);
        assertTrue(html.contains("id=\"generate\"") && html.contains("app.js"), html);
        assertEquals(200, server.get("/app.js").statusCode());
        assertEquals(200, server.get("/style.css").statusCode());
    }

    /** A multipart/form-data body, as a browser's FormData sends it. */
    static final class Multipart {
        private final String boundary = "jpeglm-test-boundary-7d3f";
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart field(String name, String value) {
            part("Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
            out.writeBytes(value.getBytes(StandardCharsets.UTF_8));
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        Multipart file(String name, String filename, byte[] content) {
            part("Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/octet-stream\r\n\r\n");
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
            return this;
        }

        private void part(String headers) {
            out.writeBytes(("--" + boundary + "\r\n" + headers).getBytes(StandardCharsets.UTF_8));
        }

        String contentType() {
            return "multipart/form-data; boundary=" + boundary;
        }

        byte[] body() {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(out.toByteArray());
            all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return all.toByteArray();
        }
    }
}
