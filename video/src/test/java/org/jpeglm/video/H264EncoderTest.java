package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H264EncoderTest {
    private final VideoProfile profile = VideoProfile.toy();
    private final H264Encoder encoder = new H264Encoder();

    @Test
    void writesTheBytesOfTheDocumentedCommandLine(@TempDir Path dir) throws Exception {
        Video video = TestVideos.moving(1);
        Path raw = dir.resolve("frames.rgb");
        Files.write(raw, RawFrames.toRgb24(video));
        Path out = dir.resolve("out.h264");
        // The command as documented (README, the model card), run by a shell with the raw frames as stdin.
        String command = String.join(" ", H264Encoder.commandLine(profile)) + " < " + raw + " > " + out;
        Process p = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        assertEquals(0, p.waitFor());
        assertArrayEquals(Files.readAllBytes(out), encoder.encode(video, profile));
    }

    @Test
    void givesTheSameBytesOnEveryRun() throws Exception {
        Video video = TestVideos.moving(2);
        assertArrayEquals(encoder.encode(video, profile), encoder.encode(video, profile));
    }

    @Test
    void encodesManyVideosAsEachAlone() throws Exception {
        List<Video> videos = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            videos.add(TestVideos.moving(3 + 2 * i, i));
        }
        List<byte[]> together = encoder.encodeAll(videos, profile);
        assertEquals(videos.size(), together.size());
        for (int i = 0; i < videos.size(); i++) {
            assertArrayEquals(encoder.encode(videos.get(i), profile), together.get(i), "video " + i);
        }
    }

    @Test
    void ffmpegDecodesTheStreamBackToTheFramesAtTheirSize() throws Exception {
        Video video = TestVideos.moving(3);
        byte[] stream = encoder.encode(video, profile);
        DecodedVideo decoded = new H264Decoder().decode(stream, profile);
        assertEquals(profile.frames(), decoded.video().frameCount());
        assertEquals(profile.width(), decoded.video().width());
        assertEquals(profile.height(), decoded.video().height());
        assertTrue(decoded.report().clean(), decoded.report().summary());
        for (int f = 0; f < video.frameCount(); f++) {
            double diff = TestVideos.meanAbsDiff(
                    video.frames().get(f), decoded.video().frames().get(f));
            assertTrue(diff < 12, "frame " + f + " differs by " + diff + " on average");
        }
    }

    @Test
    void streamsAreShortAndStartWithOneIdrFrame() throws Exception {
        byte[] stream = encoder.encode(TestVideos.moving(4), profile);
        List<Integer> types = H264Streams.nalUnits(stream).stream()
                .map(H264Streams.NalUnit::type)
                .toList();
        assertEquals(H264Streams.SPS, types.get(0));
        assertEquals(H264Streams.PPS, types.get(1));
        assertEquals(H264Streams.IDR_SLICE, types.get(2));
        assertEquals(1, types.stream().filter(t -> t == H264Streams.IDR_SLICE).count());
        assertEquals(0, types.stream().filter(t -> t == H264Streams.SEI).count(), "x264's SEI is removed");
        assertTrue(stream.length < RawFrames.toRgb24(TestVideos.moving(4)).length / 20);
    }

    @Test
    void refusesVideosThatDoNotFitTheProfile() {
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(TestVideos.moving(16, 0), profile));
        assertThrows(IllegalArgumentException.class, () -> encoder.encode(Video.empty(3), profile));
        VideoProfile other = new VideoProfile("h264", 32, 32, 3, 15, 37, "yuv420p", VideoProfile.DEFAULT_ENCODER);
        var e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(TestVideos.moving(0), other));
        assertTrue(e.getMessage().contains("64x64"), e.getMessage());
    }
}
