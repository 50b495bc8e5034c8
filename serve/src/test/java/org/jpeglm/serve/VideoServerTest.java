package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.Score;
import org.jpeglm.testing.Ffprobe;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server over the bundled video model (codec h264) through real HTTP: it starts, {@code /v1/models} and
 * {@code /health} say what it serves, {@code POST /v1/videos/generations} answers finished videos as MP4 (which
 * ffprobe reads, frame for frame what the summary counts), GIF and the H.264 stream the generator writes for the same
 * seed; {@code /v1/videos/completions} and {@code /scores} take uploaded videos (read by ffmpeg) as the generator
 * does; the image endpoints, image-only options and bad uploads are refused by name; an image server points videos
 * away.
 */
class VideoServerTest {
    static final Path MODEL = Path.of("..", "models", "moving-fashion-mnist-64.gguf")
            .toAbsolutePath()
            .normalize();
    static final ObjectMapper JSON = new ObjectMapper();

    static VideoModel model;
    static TestServer server;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        model = VideoModel.load(MODEL);
        server = TestServer.serve(model.codecModel(), 2);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        model.close();
    }

    static HttpResponse<byte[]> get(String path) {
        return server.get(path);
    }

    static HttpResponse<byte[]> post(String path, String json) {
        return server.postJson(path, json);
    }

    /** What jpeglm generate runs for a video model with -np 2 -t 2 --seed seed: its sampling (no min-p) too. */
    static GenerationOptions generateOptions(long seed) {
        return VideoModel.options().parallel(2).threads(2).seed(seed).build();
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
        GenerationOptions options = generateOptions(7);
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
            assertEquals(v.get("frames").asInt(), Ffprobe.frames(saved), v.toString());
            read += v.get("frames").asInt();
        }
        assertTrue(read > 0, "no MP4 with a frame to read: " + body);
    }

    @Test
    void aStreamTellsTheFramesWrittenThenEachVideoAsTheAnswerHasIt() throws Exception {
        String request = "{\"n\": 2, \"seed\": 7, \"output_format\": \"h264\"";
        List<TestServer.Sse> events = server.stream("/v1/videos/generations", request + ", \"stream\": true}");
        JsonNode answer = json(post("/v1/videos/generations", request + "}"));
        int[] frames = {-1, -1};
        int progress = 0;
        int videos = 0;
        for (TestServer.Sse e : events) {
            JsonNode d = e.data();
            switch (e.event()) {
                case "progress" -> {
                    int index = d.get("index").asInt();
                    assertEquals(15, d.get("total_frames").asInt(), d.toString());
                    assertTrue(d.get("frames").asInt() >= frames[index], "frames fell: " + d);
                    assertTrue(d.get("frames").asInt() <= 15 && d.get("tokens").asInt() >= 0, d.toString());
                    frames[index] = d.get("frames").asInt();
                    progress++;
                }
                case "video" -> {
                    // the same seed and -np alone: the same stream, and the same words, as the JSON answer's
                    JsonNode same = answer.get("data").get(d.get("index").asInt());
                    assertEquals(same.get("b64_json"), d.get("b64_json"), "video " + d.get("index"));
                    assertEquals(same.get("frames"), d.get("frames"), d.toString());
                    assertEquals(7, d.get("seed").asLong());
                    videos++;
                }
                case "done" -> {
                    assertEquals(2, d.get("videos").asInt(), d.toString());
                    assertEquals(7, d.get("seed").asLong(), d.toString());
                }
                default -> throw new AssertionError("a video stream sent " + e.event() + ": " + d);
            }
        }
        assertTrue(progress > 0, "no progress: " + events);
        assertTrue(Math.max(frames[0], frames[1]) > 0, "no frame counted: " + events);
        assertEquals(2, videos);
        assertEquals("done", events.getLast().event());
    }

    /** A 64x64 clip of 15 frames at 5 fps that ffmpeg draws (its test pattern), as an MP4 file. */
    static byte[] clip() throws Exception {
        Path file = dir.resolve("clip.mp4");
        if (!Files.exists(file)) {
            Process p = new ProcessBuilder(
                            "ffmpeg",
                            "-v",
                            "error",
                            "-f",
                            "lavfi",
                            "-i",
                            "testsrc=size=64x64:rate=5:duration=3",
                            "-pix_fmt",
                            "yuv420p",
                            "-y",
                            file.toString())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        }
        return Files.readAllBytes(file);
    }

    @Test
    void completionsAndScoresTakeUploadedVideosAsTheGeneratorDoes() throws Exception {
        byte[] clip = clip();
        Video video = new VideoFiles().read(dir.resolve("clip.mp4"), model.profile());
        List<GeneratedVideo> alone;
        List<Score> scores;
        GenerationOptions options = generateOptions(7);
        try (Generator<Video, GeneratedVideo> g = model.codecModel().newGenerator(options)) {
            alone = g.complete(List.of(video, video), Cut.units(3));
            scores = g.score(List.of(video));
        }
        String b64 = Base64.getEncoder().encodeToString(clip);
        HttpResponse<byte[]> res = post(
                "/v1/videos/completions",
                "{\"video\": \"" + b64 + "\", \"frames\": 3, \"n\": 2, \"seed\": 7, \"output_format\": \"h264\"}");
        assertEquals(200, res.statusCode(), new String(res.body(), StandardCharsets.UTF_8));
        JsonNode data = json(res).get("data");
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(
                    alone.get(i).videoStream(),
                    Base64.getDecoder().decode(data.get(i).get("b64_json").asText()),
                    "completion " + i + " is the generator's for the same seed");
            assertTrue(data.get(i).get("prompt_tokens").asInt() > 1, data.get(i).toString());
        }
        HttpResponse<byte[]> scored = post("/v1/videos/scores", "{\"video\": [\"" + b64 + "\"]}");
        assertEquals(200, scored.statusCode(), new String(scored.body(), StandardCharsets.UTF_8));
        JsonNode score = json(scored);
        assertEquals(
                scores.getFirst().bytes(), score.get("data").get(0).get("bytes").asInt());
        assertEquals(scores.getFirst().bitsPerByte(), score.get("bits_per_byte").asDouble(), 1e-3);
        assertEquals(
                scores.getFirst().bits(),
                score.get("bits_per_video").asDouble(),
                1e-3 * scores.getFirst().bits());
    }

    @Test
    void aBadUploadOrCutIsRefusedByName() throws Exception {
        String b64 = Base64.getEncoder().encodeToString(clip());
        HttpResponse<byte[]> all = post("/v1/videos/completions", "{\"video\": \"" + b64 + "\", \"frames\": 15}");
        assertEquals(400, all.statusCode());
        assertEquals("frames", json(all).get("error").get("param").asText());
        String text = Base64.getEncoder().encodeToString("not a video".getBytes(StandardCharsets.US_ASCII));
        for (String route : List.of("/v1/videos/completions", "/v1/videos/scores")) {
            HttpResponse<byte[]> bad = post(route, "{\"video\": \"" + text + "\"}");
            assertEquals(400, bad.statusCode(), route);
            JsonNode error = json(bad).get("error");
            assertEquals("video", error.get("param").asText(), error.toString());
            assertTrue(error.get("message").asText().contains("not a video"), error.toString());
        }
        HttpResponse<byte[]> missing = post("/v1/videos/completions", "{\"frames\": 3}");
        assertEquals(400, missing.statusCode());
        assertTrue(json(missing).get("error").get("message").asText().contains("send a video"));
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
        for (String route : List.of("/v1/images/generations", "/v1/images/completions", "/v1/images/scores")) {
            HttpResponse<byte[]> images = post(route, "{\"n\": 1}");
            assertEquals(404, images.statusCode(), route);
            String message = json(images).get("error").get("message").asText();
            assertTrue(message.contains("video model") && message.contains("/v1/videos/generations"), message);
        }
        for (String option : List.of("\"constrained\": false", "\"preview_mcus\": 4", "\"size\": \"64x64\"")) {
            HttpResponse<byte[]> refused = post("/v1/videos/generations", "{" + option + "}");
            assertEquals(400, refused.statusCode(), option);
            JsonNode error = json(refused).get("error");
            String name = option.substring(1, option.indexOf('"', 1));
            assertEquals(name, error.get("param").asText(), error.toString());
            assertTrue(error.get("message").asText().contains("image models only"), error.toString());
        }
        HttpResponse<byte[]> bytes = post("/v1/videos/generations", "{\"n\": 2, \"response_format\": \"bytes\"}");
        assertEquals(400, bytes.statusCode());
        HttpResponse<byte[]> format = post("/v1/videos/generations", "{\"output_format\": \"jpeg\"}");
        assertEquals(400, format.statusCode());
        assertEquals("output_format", json(format).get("error").get("param").asText());
    }

    @Test
    void anImageServerPointsVideosAway(@TempDir Path tiny) throws Exception {
        try (TestServer s = TestServer.start(tiny, 1, b -> {})) {
            for (String route : List.of("/v1/videos/generations", "/v1/videos/completions", "/v1/videos/scores")) {
                HttpResponse<byte[]> res = s.postJson(route, "{}");
                assertEquals(404, res.statusCode(), route);
                String message =
                        TestServer.json(res).get("error").get("message").asText();
                assertTrue(message.contains("image model") && message.contains("/v1/images/generations"), message);
            }
        }
    }
}
