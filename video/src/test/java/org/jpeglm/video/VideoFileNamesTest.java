package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A video file's name never reaches ffmpeg as a URL: files named like ffmpeg's protocols ("concat:a|b", "pipe:0",
 * "file:", "subfile,...:", "http:"), each holding a valid clip, read as that clip, named relative to the working
 * directory as a user types them (a child JVM runs in their folder).
 */
class VideoFileNamesTest {
    @TempDir
    Path dir;

    @Test
    void filesNamedLikeProtocolsAreReadAsTheFilesTheyAre() throws Exception {
        VideoProfile profile = VideoProfile.toy();
        VideoWriters writers = new VideoWriters();
        H264Encoder encoder = new H264Encoder();
        // Two decoys under the names the protocols would read instead, and the clip every hostile name holds.
        writers.writeMp4(encoder.encode(TestVideos.moving(5, 1), profile), profile, dir.resolve("a.mp4"));
        writers.writeMp4(encoder.encode(TestVideos.moving(5, 2), profile), profile, dir.resolve("b.mp4"));
        Path clip = dir.resolve("clip.mp4");
        writers.writeMp4(encoder.encode(TestVideos.moving(7, 3), profile), profile, clip);
        long expected = ReadVideosMain.crc(new VideoFiles().read(clip, profile));
        List<String> names = List.of(
                "concat:a.mp4|b.mp4",
                "pipe:0",
                "file:a.mp4",
                "subfile,,start,0,end,0,,:a.mp4",
                "http:a.mp4",
                "data:,AAAA",
                "-i");
        for (String name : names) {
            Files.copy(clip, dir.resolve(name));
        }
        List<String> lines = readInChild(names);
        assertEquals(names.size(), lines.size(), String.join("\n", lines));
        for (int i = 0; i < names.size(); i++) {
            assertEquals(names.get(i) + " 7 " + expected, lines.get(i), "read as the clip it holds");
        }
    }

    private List<String> readInChild(List<String> names) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ReadVideosMain.class.getName()));
        command.addAll(names);
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child finished");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> !l.startsWith("WARNING")).toList();
    }
}
