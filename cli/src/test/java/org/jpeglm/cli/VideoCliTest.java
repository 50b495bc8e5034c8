package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.assertUserError;
import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.H264Streams;
import org.jpeglm.video.VideoFiles;
import org.jpeglm.video.VideoProfile;
import org.jpeglm.video.VideoWriters;
import org.jpeglm.video.testing.FakeFfmpeg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate-video, complete-video, score and info on a tiny random Avc-LM (the verbs on either codec: VerbsTest) (32×32, 5 frames at 4 fps): its videos are
 * garbage streams, so the files a damaged stream cannot give are left out and said so; prompts are kept byte for
 * byte; errors are one line.
 */
class VideoCliTest {
    static final VideoProfile PROFILE = TinyAvcLm.PROFILE;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path model;
    static Path imageModel;
    static Path input;

    @BeforeAll
    static void models() throws IOException {
        model = dir.resolve("tiny-avclm.gguf");
        TinyAvcLm.write(model, 5);
        imageModel = dir.resolve("tiny-jpeglm.gguf");
        TinyJpegLm.write(imageModel, 5);
        input = dir.resolve("clip.mp4");
        new VideoWriters().writeMp4(new H264Encoder().encode(TinyAvcLm.video(77), PROFILE), PROFILE, input);
    }

    @Test
    void generateVideoWritesEachVideosFilesAndASummary() throws IOException {
        Path out = dir.resolve("gen");
        Run r = run(
                "generate-video",
                "-m",
                model.toString(),
                "-n",
                "3",
                "-np",
                "2",
                "-t",
                "2",
                "--max-tokens",
                "80",
                "-o",
                out.toString(),
                "--seed",
                "9");
        assertEquals(0, r.exit(), r.err());
        assertTrue(
                r.out().startsWith("3 videos in") && r.out().contains(" clean: all 5 frames decode without damage"),
                r.out());
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertTrue(summary.get("complete").asBoolean());
        assertEquals("generate-video", summary.get("command").asText());
        assertEquals(3, summary.get("videos").size());
        long tokens = 0;
        for (JsonNode v : summary.get("videos")) {
            int i = v.get("index").asInt();
            assertEquals(5, v.get("expected_frames").asInt());
            assertTrue(v.get("tokens").asInt() <= 80 && v.get("frames").asInt() <= 5, v.toString());
            byte[] stream = Files.readAllBytes(out.resolve(String.format("video-%04d.h264", i)));
            assertEquals(v.get("video_bytes").asInt(), stream.length);
            assertTrue(v.get("video_bytes").asInt() <= v.get("bytes").asInt(), v.toString());
            List<String> files = names(v.get("files"));
            assertTrue(files.contains(String.format("video-%04d.h264", i)), files.toString());
            for (String f : files) {
                assertTrue(Files.size(out.resolve(f)) > 0, f);
            }
            // A file left out is said so: the MP4 by the summary, the previews by a video of no frame.
            assertEquals(!files.contains(String.format("video-%04d.mp4", i)), v.has("mp4"), v.toString());
            assertEquals(v.get("frames").asInt() > 0, files.contains(String.format("video-%04d.gif", i)));
            tokens += v.get("tokens").asLong();
        }
        assertEquals(tokens, summary.get("tokens").asLong());
        try (var files = Files.list(out)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".partial")));
        }
    }

    @Test
    void completeVideoKeepsThePromptFramesBytesAndScoreScoresVideos() throws IOException {
        Path out = dir.resolve("complete");
        Run c = run(
                "complete-video",
                "-m",
                model.toString(),
                "--input",
                input.toString(),
                "--frames",
                "2",
                "--samples",
                "2",
                "-t",
                "2",
                "--max-tokens",
                "60",
                "-o",
                out.toString());
        assertEquals(0, c.exit(), c.err());
        byte[] prefix =
                H264Streams.prefixFrames(new H264Encoder().encode(new VideoFiles().read(input, PROFILE), PROFILE), 2);
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(2, summary.get("videos").size());
        for (int s = 0; s < 2; s++) {
            byte[] stream = Files.readAllBytes(out.resolve("completion-0000-" + s + ".h264"));
            assertArrayEquals(prefix, Arrays.copyOf(stream, prefix.length), "sample " + s);
            JsonNode v = summary.get("videos").get(s);
            assertEquals(prefix.length, v.get("prompt_bytes").asInt());
            assertTrue(v.get("frames").asInt() >= 2, v.toString());
        }
        // The grid: a row for the input, a row per completion.
        assertEquals(
                3 * (32 * 2 + 2) + 2,
                ImageIO.read(out.resolve("grid.png").toFile()).getHeight());

        Run s = run("score", "-m", model.toString(), input.toString(), input.toString(), "--each", "-t", "2");
        assertEquals(0, s.exit(), s.err());
        assertTrue(s.out().contains("video 1 (clip.mp4)") && s.out().contains("2 videos:"), s.out());
    }

    @Test
    void infoShowsTheVideoProfile() {
        Run r = run("info", model.toString(), "--no-tensors");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Avc-LM: h264 32x32, 5 frames at 4 fps, QP 37, yuv420p"), r.out());
    }

    @Test
    void userErrorsAreOneLine() throws IOException {
        Path text = dir.resolve("notes.mp4");
        Files.writeString(text, "this is text");
        assertUserError(
                run(
                        "complete-video",
                        "-m",
                        model.toString(),
                        "--input",
                        text.toString(),
                        "--frames",
                        "2",
                        "-o",
                        dir.resolve("e3").toString()),
                "is not a video");
        assertUserError(
                run(
                        "complete-video",
                        "-m",
                        model.toString(),
                        "--input",
                        input.toString(),
                        "--frames",
                        "5",
                        "-o",
                        dir.resolve("e4").toString()),
                "--frames must be 1 to 4");
        assertUserError(run("generate-video", "-m", model.toString(), "--scale", "0"), "--scale");
    }

    @Test
    void aModelDeclaringTheJpegCodecIsAnImageModelAndAnUnknownCodecIsRefusedByName() throws IOException {
        Path jpeg = dir.resolve("declares-jpeg.gguf");
        TinyJpegLm.write(jpeg, 5, Map.of(VideoProfile.CODEC_KEY, GgufValue.string("jpeg")));
        Run r = run(
                "generate",
                "-m",
                jpeg.toString(),
                "-n",
                "2",
                "-t",
                "2",
                "-o",
                dir.resolve("jpeg-out").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("2 images"), r.out());

        Path vp9 = dir.resolve("declares-vp9.gguf");
        TinyJpegLm.write(vp9, 5, Map.of(VideoProfile.CODEC_KEY, GgufValue.string("vp9")));
        for (String command : List.of("generate", "generate-video")) {
            assertUserError(
                    run(
                            command,
                            "-m",
                            vp9.toString(),
                            "-o",
                            dir.resolve("vp9-" + command).toString()),
                    "unknown codec 'vp9' in 'jpeglm.codec'");
        }
    }

    @Test
    void anInputIsNeverAnOutput() throws IOException {
        Path out = Files.createDirectories(dir.resolve("reuse"));
        Path named = out.resolve("completion-0000-0.mp4");
        Files.copy(input, named);
        Run r = run(
                "complete-video",
                "-m",
                model.toString(),
                "--input",
                named.toString(),
                "--frames",
                "1",
                "-o",
                out.toString(),
                "--force");
        assertUserError(r, "an input is never an output");
        assertTrue(Files.exists(named), "the input is still there");
    }

    @Test
    void aMissingFfmpegIsOneLine() {
        Map<String, String> was =
                setProperties(Map.of(Ffmpeg.EXECUTABLE_PROPERTY, "/nonexistent/ffmpeg-for-jpeglm-tests"));
        try {
            Run r = run(
                    "generate-video",
                    "-m",
                    model.toString(),
                    "-n",
                    "1",
                    "--max-tokens",
                    "5",
                    "-o",
                    dir.resolve("noffmpeg").toString());
            assertUserError(r, "ffmpeg");
            assertEquals(1, r.err().lines().count(), r.err());
        } finally {
            setProperties(was);
        }
    }

    @Test
    void aHungFfmpegIsStoppedAtItsTimeLimitWithEverythingItStarted() throws IOException {
        FakeFfmpeg fake = FakeFfmpeg.write(dir, "hung-ffmpeg", FakeFfmpeg.HANGS);
        Map<String, String> was = setProperties(
                Map.of(Ffmpeg.EXECUTABLE_PROPERTY, fake.script().toString(), Ffmpeg.TIMEOUT_PROPERTY, "2"));
        try {
            long start = System.nanoTime();
            Run r = assertTimeoutPreemptively(
                    Duration.ofSeconds(60),
                    () -> run(
                            "complete-video",
                            "-m",
                            model.toString(),
                            "--input",
                            input.toString(),
                            "--frames",
                            "2",
                            "-o",
                            dir.resolve("hung").toString()));
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "bounded by the 2 s limit");
            assertUserError(r, "ffmpeg ran longer than 2 s and was killed");
            fake.assertNoneLeft();
        } finally {
            setProperties(was);
        }
    }

    /** Sets (or, for a null value, clears) system properties; returns what they were. */
    private static Map<String, String> setProperties(Map<String, String> values) {
        Map<String, String> was = new java.util.HashMap<>();
        values.forEach((k, v) -> {
            was.put(k, System.getProperty(k));
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        return was;
    }

    @Test
    void theVideoCommandsHaveHelpWithExamples() {
        for (String cmd : List.of("generate-video", "complete-video")) {
            Run r = run(cmd, "--help");
            assertEquals(0, r.exit());
            assertTrue(r.out().contains("Examples:"), cmd);
        }
    }

    private static List<String> names(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
