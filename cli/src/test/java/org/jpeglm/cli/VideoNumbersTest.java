package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.testing.Ffprobe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What generate-video says of its videos is what the files hold, on the bundled video model: the frames summary.json
 * counts are the frames ffprobe reads in each .h264 and .mp4 (the model often writes on past the profile's 15 frames:
 * those are not part of the video), and the last line counts the clean videos (every frame decoded, none concealed),
 * not those that merely have all their frames.
 */
class VideoNumbersTest {
    static final Path MODEL = Path.of("..", "models", "moving-fashion-mnist-64.gguf")
            .toAbsolutePath()
            .normalize();

    @TempDir
    Path dir;

    @Test
    void summaryFramesAreWhatFfprobeReadsAndTheHeadlineCountsCleanVideos() throws Exception {
        Path out = dir.resolve("videos");
        // Seed 42, 8 videos: on the source build three of them run past 15 pictures (16 to 23 access units).
        Run r = CliTest.run("generate-video", "-m", MODEL.toString(), "-n", "8", "-t", "2", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        JsonNode summary =
                new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        long clean = 0;
        for (JsonNode v : summary.get("videos")) {
            String base = String.format("video-%04d", v.get("index").asInt());
            int frames = v.get("frames").asInt();
            assertTrue(frames <= v.get("expected_frames").asInt(), v.toString());
            assertEquals(frames, Ffprobe.frames(out.resolve(base + ".h264")), base + ".h264: " + v);
            if (!v.has("mp4")) { // an MP4 is left out only when ffmpeg cannot remux the stream
                assertEquals(frames, Ffprobe.frames(out.resolve(base + ".mp4")), base + ".mp4: " + v);
            }
            assertEquals(v.get("video_bytes").asLong(), Files.size(out.resolve(base + ".h264")), v.toString());
            boolean isClean = v.get("clean").asBoolean();
            assertEquals(
                    frames == v.get("expected_frames").asInt()
                            && v.get("damaged_frames").asInt() == 0
                            && v.get("decoder_errors").isEmpty(),
                    isClean,
                    v.toString());
            clean += isClean ? 1 : 0;
        }
        assertEquals(clean, summary.get("clean").asLong());
        Matcher m = Pattern.compile("; (\\d+) clean: all 15 frames decode without damage")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(clean, Long.parseLong(m.group(1)), r.out());
    }
}
