package org.jpeglm.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.train.FashionMnist;
import org.junit.jupiter.api.Test;

/** Real and generated images reach the classifier through one mapping, the inverse of the model's padding. */
class ClassifierInputTest {
    @Test
    void thePaddedImageMapsBackToTheOriginal() throws IOException {
        BufferedImage original =
                FashionMnist.read(FashionMnist.DEBIAN_DIR, false, 1).getFirst().image();
        float[] direct = ClassifierInput.of(original);
        assertArrayEquals(direct, ClassifierInput.of(FashionMnist.pad(original, 32)));
        assertEquals((original.getRaster().getSample(10, 12, 0)) / 255f, direct[12 * 28 + 10]);
    }

    /** What generate writes (a gray PNG) reads back as the same input, not through a colour conversion. */
    @Test
    void aGrayPngReadsBackAsItsSamples() throws IOException {
        BufferedImage image = ramp(32);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(JpegImages.png(image)));
        assertArrayEquals(ClassifierInput.of(image), ClassifierInput.of(back));
        assertEquals(2 + 2 * 2, Math.round(ClassifierInput.of(back)[0] * 255)); // the ramp at (2, 2)
    }

    @Test
    void colourIsReadAsJpegLuma() {
        BufferedImage gray = ramp(28);
        BufferedImage rgb = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int v = gray.getRaster().getSample(x, y, 0);
                rgb.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        assertArrayEquals(ClassifierInput.of(gray), ClassifierInput.of(rgb));
    }

    @Test
    void videoFramesAreHalvedThenCropped() {
        BufferedImage frame = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        frame.getRaster().setSample(4, 4, 0, 255); // block (2, 2) of 32×32, pixel (0, 0) of the crop
        frame.getRaster().setSample(5, 5, 0, 1);
        float[] in = ClassifierInput.of(frame);
        assertEquals(64, Math.round(in[0] * 255)); // (255 + 1 + 0 + 0 + 2) >> 2
        assertEquals(0, in[1]);
    }

    @Test
    void refusesOtherSizes() {
        var e = assertThrows(IllegalArgumentException.class, () -> ClassifierInput.of(ramp(30)));
        assertTrue(e.getMessage().contains("not 30x30"), e.getMessage());
    }

    private static BufferedImage ramp(int side) {
        BufferedImage b = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                b.getRaster().setSample(x, y, 0, (x + 2 * y) % 256);
            }
        }
        return b;
    }
}
