package org.jpeglm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.Palette;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodecFloorsTest {
    private static List<BufferedImage> images(int n) throws Exception {
        return FashionMnist.read(FashionMnist.DEBIAN_DIR, false, n).stream()
                .map(FashionMnist.Item::image)
                .toList();
    }

    @Test
    void moreLevelsLoseLessAndAllLevelsLoseNothing() throws Exception {
        List<BufferedImage> originals = images(50);
        double previous = 0;
        for (int k : CodecFloors.LEVELS) {
            CodecFloors.Floor f = CodecFloors.measure(
                    "igpt-" + k, originals, CodecFloors.throughIgpt(originals, IgptProfile.fashionMnist(k)));
            assertTrue(f.psnr() > previous, f + " after " + previous);
            // Uniform quantization: the error is at most half a step.
            assertTrue(f.meanAbsoluteError() <= 127.5 / (k - 1), f.toString());
            previous = f.psnr();
        }
        CodecFloors.Floor lossless = CodecFloors.measure(
                "igpt-256", originals, CodecFloors.throughIgpt(originals, new IgptProfile(28, 28, Palette.gray(256))));
        assertEquals(0, lossless.mse());
        assertEquals(1, lossless.exact());
        assertEquals(Double.POSITIVE_INFINITY, lossless.psnr());
    }

    @Test
    void jpegComesBackAt28x28AndLosesSomething() throws Exception {
        List<BufferedImage> originals = images(20);
        List<BufferedImage> jpeg = CodecFloors.throughJpeg(originals, 32, 25);
        assertEquals(28, jpeg.getFirst().getWidth());
        CodecFloors.Floor f = CodecFloors.measure("jpeg-q25", originals, jpeg);
        assertTrue(f.psnr() > 15 && f.psnr() < 40, f.toString());
        CodecFloors.Floor better =
                CodecFloors.measure("jpeg-q95", originals, CodecFloors.throughJpeg(originals, 32, 95));
        assertTrue(better.psnr() > f.psnr(), better + " vs " + f);
        assertThrows(IllegalArgumentException.class, () -> CodecFloors.measure("x", originals, jpeg.subList(0, 3)));
    }

    @Test
    void writesNumberedPngs(@TempDir Path dir) throws Exception {
        CodecFloors.writePngs(images(3), dir.resolve("igpt-4"));
        assertEquals(
                List.of("00000.png", "00001.png", "00002.png"),
                Files.list(dir.resolve("igpt-4"))
                        .map(p -> p.getFileName().toString())
                        .sorted()
                        .toList());
    }
}
