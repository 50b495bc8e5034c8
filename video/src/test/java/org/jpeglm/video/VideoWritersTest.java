package org.jpeglm.video;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoWritersTest {
    private final VideoProfile profile = VideoProfile.toy();
    private final VideoWriters writers = new VideoWriters();

    @Test
    void theMp4HoldsTheStreamsBytesUnchanged(@TempDir Path dir) throws Exception {
        byte[] stream = new H264Encoder().encode(TestVideos.moving(1), profile);
        Path mp4 = dir.resolve("v.mp4");
        writers.writeMp4(stream, profile, mp4);
        // Back to Annex-B without decoding: the same bytes came in.
        List<String> args = new ArrayList<>(FfmpegInputs.QUIET);
        args.addAll(List.of("-i", mp4.toString(), "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264", "-"));
        assertArrayEquals(stream, Ffmpeg.system().run(args, new byte[0]).stdout());
        Video read = new VideoFiles().read(mp4, profile);
        assertEquals(profile.frames(), read.frameCount());
    }

    @Test
    void theGifPreviewHasEveryFrameScaled(@TempDir Path dir) throws Exception {
        Path gif = dir.resolve("v.gif");
        writers.writeGif(TestVideos.moving(2), gif, 3);
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
            r.setInput(in);
            assertEquals(profile.frames(), r.getNumImages(true));
            assertEquals(profile.width() * 3, r.getWidth(0));
        }
    }

    @Test
    void theFrameStripHasARowPerVideo(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("strip.png");
        VideoWriters.writeFrameStrip(List.of(TestVideos.moving(1), TestVideos.moving(5, 2)), png, 2);
        BufferedImage strip = ImageIO.read(png.toFile());
        assertEquals(15 * (128 + 2) + 2, strip.getWidth());
        assertEquals(2 * (128 + 2) + 2, strip.getHeight());
        assertThrows(IllegalArgumentException.class, () -> VideoWriters.frameStrip(List.of(Video.empty(3)), 1));
    }

    @Test
    void aFileThatIsNotAVideoIsRefusedClearly(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.mp4");
        Files.writeString(text, "not a video at all");
        var e = assertThrows(FfmpegException.class, () -> new VideoFiles().read(text, profile));
        assertTrue(e.getMessage().contains("notes.mp4") && e.getMessage().contains("not a video"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> new VideoFiles().read(dir.resolve("no"), profile));
    }

    @Test
    void aStreamWithoutHeadersCannotBeRemuxed(@TempDir Path dir) {
        assertThrows(
                FfmpegException.class, () -> writers.writeMp4("garbage".getBytes(), profile, dir.resolve("x.mp4")));
        assertTrue(!Files.exists(dir.resolve("x.mp4")));
    }
}
