package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PixelStreamsTest {
    private static final IgptProfile GRAY = new IgptProfile(5, 3, Palette.gray(4));

    private static BufferedImage gray(int w, int h, int... values) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < values.length; i++) {
            data[i] = (byte) values[i];
        }
        return image;
    }

    private static byte[] samples(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    @Test
    void encodesRawGraySamplesRowByRow() {
        BufferedImage image = gray(5, 3, 0, 40, 50, 130, 255, 85, 85, 85, 85, 85, 170, 171, 200, 250, 1);
        byte[] stream = PixelStreams.encode(image, GRAY);
        assertArrayEquals(new byte[] {0, 0, 1, 2, 3, 1, 1, 1, 1, 1, 2, 2, 2, 3, 0}, stream);
    }

    @Test
    void aQuantizedImageRoundTripsExactly() {
        Random rnd = new Random(3);
        byte[] stream = new byte[GRAY.pixels()];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = (byte) rnd.nextInt(4);
        }
        PixelStreams.Decoded d = PixelStreams.decode(stream, GRAY);
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, d.image().getType());
        assertTrue(d.report().clean());
        assertArrayEquals(stream, PixelStreams.encode(d.image(), GRAY));
        for (int i = 0; i < stream.length; i++) {
            assertEquals(85 * stream[i], samples(d.image())[i] & 0xFF);
        }
    }

    @Test
    void shortStreamsFillWithEntryZeroAndLongOnesDropTheRest() {
        IgptProfile p = new IgptProfile(2, 2, Palette.of(1, new byte[] {100, (byte) 200}));
        PixelStreams.Decoded shortOne = PixelStreams.decode(new byte[] {1}, p);
        assertArrayEquals(new byte[] {(byte) 200, 100, 100, 100}, samples(shortOne.image()));
        assertEquals(new PixelReport(1, 4, 0), shortOne.report());
        assertFalse(shortOne.report().clean());
        assertEquals(3, shortOne.report().missing());
        PixelStreams.Decoded longOne = PixelStreams.decode(new byte[] {1, 1, 1, 1, 0, 0}, p);
        assertEquals(new PixelReport(4, 4, 2), longOne.report());
        assertFalse(longOne.report().clean());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> PixelStreams.decode(new byte[] {0, 2}, p));
        assertTrue(e.getMessage().contains("byte 2 at offset 1"), e.getMessage());
    }

    @Test
    void colourPalettesEncodeRgbAndDecodeToBgr() {
        Palette p = Palette.of(3, new byte[] {0, 0, 0, (byte) 255, 0, 0, 0, 0, (byte) 255});
        IgptProfile profile = new IgptProfile(3, 1, p);
        BufferedImage image = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0x100010);
        image.setRGB(1, 0, 0xE01020);
        image.setRGB(2, 0, 0x0010F0);
        byte[] stream = PixelStreams.encode(image, profile);
        assertArrayEquals(new byte[] {0, 1, 2}, stream);
        BufferedImage back = PixelStreams.decode(stream, profile).image();
        assertEquals(BufferedImage.TYPE_3BYTE_BGR, back.getType());
        assertEquals(0xFF0000, back.getRGB(1, 0) & 0xFFFFFF);
        assertEquals(0x0000FF, back.getRGB(2, 0) & 0xFFFFFF);
        // A gray palette reads an RGB image's luma: pure red is 76.
        assertArrayEquals(new byte[] {1}, PixelStreams.encode(redPixel(), new IgptProfile(1, 1, Palette.gray(4))));
    }

    private static BufferedImage redPixel() {
        BufferedImage red = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        red.setRGB(0, 0, 0xFF0000);
        return red;
    }

    @Test
    void otherSizesAreFittedFirst() {
        BufferedImage big = gray(10, 6);
        Arrays.fill(samples(big), (byte) 255);
        byte[] stream = PixelStreams.encode(big, GRAY);
        assertEquals(GRAY.pixels(), stream.length);
        for (byte b : stream) {
            assertEquals(3, b, "white stays white");
        }
    }

    @Test
    void aPrefixIsTheTopRowsByteForByte() {
        byte[] stream = new byte[GRAY.pixels()];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = (byte) (i % 4);
        }
        assertArrayEquals(Arrays.copyOf(stream, 10), PixelStreams.prefix(stream, 2, GRAY));
        assertArrayEquals(new byte[0], PixelStreams.prefix(stream, 0, GRAY));
        assertArrayEquals(stream, PixelStreams.prefix(stream, 3, GRAY));
        assertThrows(IllegalArgumentException.class, () -> PixelStreams.prefix(stream, 4, GRAY));
        assertThrows(IllegalArgumentException.class, () -> PixelStreams.prefix(new byte[9], 2, GRAY));
        assertEquals(1, PixelStreams.rows(9, GRAY));
        assertEquals(2, PixelStreams.rows(10, GRAY));
        assertEquals(3, PixelStreams.rows(99, GRAY));
        assertEquals(1, PixelStreams.rowsOf(0.5, GRAY));
        assertEquals(14, PixelStreams.rowsOf(0.5, IgptProfile.fashionMnist(16)));
        assertThrows(IllegalArgumentException.class, () -> PixelStreams.rowsOf(1.5, GRAY));
    }
}
