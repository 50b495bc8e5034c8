package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.image.ServiceOptions;
import org.jpeglm.video.Video;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over the bundled video model (codec h264) through real HTTP: it starts, {@code /v1/models} and
 * {@code /health} say what it serves, {@code POST /v1/videos/generations} answers finished videos as MP4 (which
 * ffprobe reads, frame for frame what the summary counts), GIF and the H.264 stream the generator writes for the same
 * seed, and the image endpoints and image-only options are refused by name; an image server points videos away.
 */
class VideoServerTest {
    static final Path MODEL = Path.of("..", "models", "moving-fashion-mnist-64.gguf")
            .toAbsolutePath()
            .normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    static VideoModel model;
    static ImageServer server;
    static HttpClient client;
    static URI base;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        model = VideoModel.load(MODEL);
        server = ImageServer.start(
                model,
                ServeOptions.builder()
                        .port(0)
                        .service(ServiceOptions.builder().parallel(2).threads(2).build())
                        .build());
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        base = server.uri("127.0.0.1");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        model.close();
    }

    static HttpResponse<byte[]> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofMinutes(5))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(String path, String json) throws Exception {
        return client.send(
                HttpRequest.newBuilder(base.resolve(path))
                        .timeout(Duration.ofMinutes(5))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> res) throws IOException {
        return JSON.readTree(res.body());
    }

    @Test
    void modelsAndHealthSayAVideoModelIsServed() throws Exception {
        HttpResponse<byte[]> models = get("/v1/models");
        assertEquals(200, models.statusCode(), new String(models.body(), StandardCharsets.UTF_8));
        JsonNode entry = json(models).get("data").get(0);
        assertEquals("moving-fashion-mnist-64.gguf", entry.get("id").asText());
        JsonNode meta = entry.get("meta");
        assertEquals("h264", meta.get("codec").asText());
        assertEquals("video", meta.get("noun").asText());
        assertEquals(model.profile().frames(), meta.get("profile").get("frames").asInt());
        assertEquals(model.profile().width(), meta.get("profile").get("width").asInt());
        HttpResponse<byte[]> health = get("/health");
        assertEquals(200, health.statusCode());
        assertEquals("ok", json(health).get("status").asText());
        assertEquals(2, json(health).get("slots_idle").asInt());
    }

    @Test
    void generationsAnswerTheGeneratorsStreamsAsMp4ThatFfprobeReads() throws Exception {
        List<GeneratedVideo> alone;
        GenerationOptions options =
                GenerationOptions.builder().parallel(2).threads(2).seed(7).build();
        try (Generator<Video, GeneratedVideo> g = model.codecModel().newGenerator(options)) {
            alone = g.generate(2);
        }
        HttpResponse<byte[]> h264 =
                post("/v1/videos/generations", "{\"n\": 2, \"seed\": 7, \"output_format\": \"h264\"}");
        assertEquals(200, h264.statusCode(), new String(h264.body(), StandardCharsets.UTF_8));
        JsonNode streams = json(h264).get("data");
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(
                    alone.get(i).videoStream(),
                    Base64.getDecoder().decode(streams.get(i).get("b64_json").asText()),
                    "video " + i + " is the generator's for the same seed");
        }
        HttpResponse<byte[]> mp4 = post("/v1/videos/generations", "{\"n\": 2, \"seed\": 7}");
        assertEquals(200, mp4.statusCode(), new String(mp4.body(), StandardCharsets.UTF_8));
        JsonNode body = json(mp4);
        assertEquals("mp4", body.get("output_format").asText());
        assertEquals(2, body.get("usage").get("videos").asInt());
        int read = 0;
        for (JsonNode v : body.get("data")) {
            int index = v.get("index").asInt();
            assertEquals(7, v.get("seed").asLong());
            assertEquals(
                    alone.get(index).report().decodedFrames(), v.get("frames").asInt(), v.toString());
            if (v.get("b64_json").isNull()) { // only when ffmpeg cannot remux the stream
                assertTrue(v.has("file_error"), v.toString());
                continue;
            }
            byte[] file = Base64.getDecoder().decode(v.get("b64_json").asText());
            assertEquals("ftyp", new String(file, 4, 4, StandardCharsets.US_ASCII), "an MP4 file");
            Path saved = dir.resolve("video-" + index + ".mp4");
            Files.write(saved, file);
            assertEquals(v.get("frames").asInt(), ffprobeFrames(saved), v.toString());
            read += v.get("frames").asInt();
        }
        assertTrue(read > 0, "no MP4 with a frame to read: " + body);
    }

    @Test
    void bytesAnswerOneGifFile() throws Exception {
        HttpResponse<byte[]> gif = post(
                "/v1/videos/generations", "{\"seed\": 7, \"response_format\": \"bytes\", \"output_format\": \"gif\"}");
        assertEquals(200, gif.statusCode(), new String(gif.body(), StandardCharsets.UTF_8));
        assertEquals("image/gif", gif.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("7", gif.headers().firstValue("X-Jpeglm-Seed").orElseThrow());
        assertEquals("GIF89a", new String(Arrays.copyOf(gif.body(), 6), StandardCharsets.US_ASCII));
    }

    @Test
    void imageEndpointsAndImageOnlyOptionsAreRefusedByName() throws Exception {
        HttpResponse<byte[]> images = post("/v1/images/generations", "{\"n\": 1}");
        assertEquals(404, images.statusCode());
        String message = json(images).get("error").get("message").asText();
        assertTrue(message.contains("video model") && message.contains("/v1/videos/generations"), message);
        for (String option : List.of("\"constrained\": false", "\"preview_mcus\": 4", "\"size\": \"64x64\"")) {
            HttpResponse<byte[]> refused = post("/v1/videos/generations", "{" + option + "}");
            assertEquals(400, refused.statusCode(), option);
            JsonNode error = json(refused).get("error");
            String name = option.substring(1, option.indexOf('"', 1));
            assertEquals(name, error.get("param").asText(), error.toString());
            assertTrue(error.get("message").asText().contains("image models only"), error.toString());
        }
        HttpResponse<byte[]> stream = post("/v1/videos/generations", "{\"stream\": true}");
        assertEquals(400, stream.statusCode());
        assertEquals("stream", json(stream).get("error").get("param").asText());
        HttpResponse<byte[]> bytes = post("/v1/videos/generations", "{\"n\": 2, \"response_format\": \"bytes\"}");
        assertEquals(400, bytes.statusCode());
        HttpResponse<byte[]> format = post("/v1/videos/generations", "{\"output_format\": \"jpeg\"}");
        assertEquals(400, format.statusCode());
        assertEquals("output_format", json(format).get("error").get("param").asText());
    }

    @Test
    void anImageServerPointsVideosAway(@TempDir Path tiny) throws Exception {
        try (TestServer s = TestServer.start(tiny, 1, b -> {})) {
            HttpResponse<byte[]> res = s.postJson("/v1/videos/generations", "{}");
            assertEquals(404, res.statusCode());
            String message = TestServer.json(res).get("error").get("message").asText();
            assertTrue(message.contains("image model") && message.contains("/v1/images/generations"), message);
        }
    }

    /** The frames ffprobe decodes in file; 0 when it finds no video stream that decodes. */
    static int ffprobeFrames(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(
                        "ffprobe",
                        "-v",
                        "quiet",
                        "-count_frames",
                        "-select_streams",
                        "v:0",
                        "-show_entries",
                        "stream=nb_read_frames",
                        "-of",
                        "csv=p=0",
                        "file:" + file)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p.exitValue() != 0 || text.isEmpty() || text.equals("N/A") ? 0 : Integer.parseInt(text);
    }
}
