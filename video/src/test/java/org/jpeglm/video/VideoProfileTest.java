package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jpeglm.gguf.GgufValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoProfileTest {
    private static VideoProfile with(int width, int qp, String pixelFormat, String encoder) {
        return new VideoProfile("h264", width, 64, 3, 15, qp, pixelFormat, encoder);
    }

    @Test
    void roundTripsThroughGgufKeys() {
        for (VideoProfile p : new VideoProfile[] {VideoProfile.toy(), VideoProfile.paper()}) {
            Map<String, GgufValue> m = p.toGguf();
            assertTrue(VideoProfile.isVideo(m));
            assertEquals(p, VideoProfile.fromGguf(m));
            assertEquals(GgufValue.string("h264"), m.get(VideoProfile.CODEC_KEY));
        }
        assertFalse(VideoProfile.isVideo(Map.of()));
    }

    @Test
    void aMissingOrMistypedKeyIsNamed() {
        Map<String, GgufValue> m = new LinkedHashMap<>(VideoProfile.toy().toGguf());
        m.remove(VideoProfile.QP_KEY);
        var e = assertThrows(IllegalArgumentException.class, () -> VideoProfile.fromGguf(m));
        assertTrue(e.getMessage().contains(VideoProfile.QP_KEY), e.getMessage());
        m.put(VideoProfile.QP_KEY, GgufValue.string("37"));
        e = assertThrows(IllegalArgumentException.class, () -> VideoProfile.fromGguf(m));
        assertTrue(e.getMessage().contains(VideoProfile.QP_KEY), e.getMessage());
        var notVideo = assertThrows(IllegalArgumentException.class, () -> VideoProfile.fromGguf(Map.of()));
        assertTrue(notVideo.getMessage().contains(VideoProfile.CODEC_KEY));
    }

    @Test
    void roundTripsThroughTheProfileFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve(VideoProfileFile.FILE_NAME);
        VideoProfileFile.write(f, VideoProfile.paper());
        assertEquals(VideoProfile.paper(), VideoProfileFile.read(f));
        Files.writeString(f, "{\"codec\": \"h264\", \"width\": 64}");
        var e = assertThrows(java.io.IOException.class, () -> VideoProfileFile.read(f));
        assertTrue(e.getMessage().contains("height"), e.getMessage());
        Files.writeString(f, "not json");
        assertThrows(java.io.IOException.class, () -> VideoProfileFile.read(f));
    }

    @Test
    void refusesBadFields() {
        String enc = VideoProfile.DEFAULT_ENCODER;
        assertThrows(IllegalArgumentException.class, () -> with(63, 37, "yuv420p", enc));
        assertThrows(IllegalArgumentException.class, () -> with(64, 52, "yuv420p", enc));
        assertThrows(IllegalArgumentException.class, () -> with(64, 37, "rgb24", enc));
        assertThrows(IllegalArgumentException.class, () -> new VideoProfile("vp9", 64, 64, 3, 15, 37, "yuv420p", enc));
    }

    @Test
    void theEncoderCannotMakeFfmpegReadOrWriteFiles() {
        for (String bad : new String[] {
            "-i /etc/passwd",
            "-c:v libx264 -y",
            "-vf movie=/etc/passwd",
            "-c:v",
            "-preset medium out.mp4 -g",
            "-x264-params stats=/tmp/x",
            "-bsf:v a;b"
        }) {
            assertThrows(IllegalArgumentException.class, () -> with(64, 37, "yuv420p", bad), bad);
        }
        assertEquals(
                "-c:v",
                with(64, 37, "yuv420p", VideoProfile.DEFAULT_ENCODER)
                        .encoderArguments()
                        .get(0));
    }
}
