package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.ModelMetadata;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.video.H264Decoder;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated stream decodes to the same frames every time. The bundled video model's samples are damaged streams;
 * with ffmpeg's frame threads their concealment followed the threads' timing (1 run in 5 gave other frames, other
 * GIFs and another grid for the same seed).
 */
class DecodeRepeatsTest {
    private static final int DECODES = 12;

    @Test
    void aDamagedStreamDecodesToTheSameFramesEveryTime(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Run r = run(
                "generate",
                "-m",
                VerbsTest.BUNDLED_VIDEO.toString(),
                "-n",
                "2",
                "-np",
                "2",
                "-t",
                "2",
                "--max-tokens",
                "300",
                "-s",
                "5",
                "-o",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        VideoProfile profile = VideoProfile.fromGguf(
                ModelMetadata.read(VerbsTest.BUNDLED_VIDEO).values());
        H264Decoder decoder = new H264Decoder();
        for (String name : List.of("video-0000.h264", "video-0001.h264")) {
            byte[] stream = Files.readAllBytes(out.resolve(name));
            Video first = decoder.decode(stream, profile).video();
            for (int i = 1; i < DECODES; i++) {
                Video again = decoder.decode(stream, profile).video();
                assertEquals(first.frameCount(), again.frameCount(), name);
                for (int f = 0; f < first.frameCount(); f++) {
                    assertTrue(
                            samePixels(first.frames().get(f), again.frames().get(f)),
                            name + ": frame " + f + " differs in decode " + (i + 1) + " of " + DECODES);
                }
            }
        }
    }

    private static boolean samePixels(BufferedImage a, BufferedImage b) {
        if (a.getWidth() != b.getWidth() || a.getHeight() != b.getHeight()) {
            return false;
        }
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    return false;
                }
            }
        }
        return true;
    }
}
