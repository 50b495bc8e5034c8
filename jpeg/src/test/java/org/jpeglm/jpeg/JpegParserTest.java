package org.jpeglm.jpeg;

import static org.jpeglm.jpeg.JpegFormatException.Problem.*;
import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.jpeglm.jpeg.JpegFormatException.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Unsupported or broken input: one test per case, each naming the problem. */
class JpegParserTest {
    private static final byte[] FULL =
            new JpegEncoder(JpegProfile.PAPER.anySize()).encodeFull(TestImages.gradient(40, 24, 1, false));

    private static int sofOffset(byte[] jpeg) {
        return JpegParser.parse(jpeg).segments().stream()
                .filter(s -> s.marker() == 0xC0)
                .findFirst()
                .orElseThrow()
                .offset();
    }

    private static byte[] patched(int offsetFromSof, int... values) {
        byte[] b = FULL.clone();
        int at = sofOffset(FULL) + offsetFromSof;
        for (int i = 0; i < values.length; i++) b[at + i] = (byte) values[i];
        return b;
    }

    private static void assertProblem(Problem expected, String messagePart, Executable parse) {
        var e = assertThrows(JpegFormatException.class, parse);
        assertEquals(expected, e.problem(), e.getMessage());
        assertTrue(
                e.getMessage().toLowerCase().contains(messagePart.toLowerCase()),
                "message '" + e.getMessage() + "' should name '" + messagePart + "'");
    }

    @Test
    void parsesOurOwnOutput() {
        JpegFile f = JpegParser.parse(FULL);
        assertEquals(40, f.frame().width());
        assertEquals(24, f.frame().height());
        assertEquals(Subsampling.S420, f.subsampling());
        assertEquals(1, f.restartInterval());
        assertTrue(f.hasAllTables());
        assertFalse(f.isAbbreviated());
        assertEquals(FULL.length, f.end());
    }

    @Test
    void notAJpeg() {
        byte[] png = JpegImages.png(TestImages.flat(4, 4, 0, false));
        assertProblem(NOT_JPEG, "not a JPEG", () -> JpegParser.parse(png));
        assertProblem(NOT_JPEG, "no bytes", () -> JpegParser.parse(new byte[0]));
        assertProblem(NOT_JPEG, "not a JPEG", () -> JpegParser.parse("hello".getBytes()));
        assertProblem(NOT_JPEG, "not a JPEG", () -> JpegImages.decode(png));
    }

    @Test
    void progressive() {
        assertProblem(PROGRESSIVE, "progressive", () -> JpegParser.parse(patched(1, 0xC2)));
        assertProblem(PROGRESSIVE, "progressive", () -> JpegParser.parse(imageIoProgressive()));
        assertProblem(PROGRESSIVE, "SOF2", () -> JpegStreams.strip(patched(1, 0xC2)));
    }

    @Test
    void arithmeticCoded() {
        assertProblem(ARITHMETIC, "arithmetic", () -> JpegParser.parse(patched(1, 0xC9)));
        assertProblem(ARITHMETIC, "SOF10", () -> JpegParser.parse(patched(1, 0xCA)));
    }

    @Test
    void lossless() {
        assertProblem(LOSSLESS, "lossless", () -> JpegParser.parse(patched(1, 0xC3)));
    }

    @Test
    void hierarchical() {
        assertProblem(HIERARCHICAL, "hierarchical", () -> JpegParser.parse(patched(1, 0xC5)));
    }

    @Test
    void cmykFourComponents() {
        // SOI, then a SOF0 with 4 components.
        byte[] cmyk = {
            (byte) 0xFF,
            (byte) 0xD8,
            (byte) 0xFF,
            (byte) 0xC0,
            0,
            20,
            8,
            0,
            16,
            0,
            16,
            4,
            1,
            0x11,
            0,
            2,
            0x11,
            0,
            3,
            0x11,
            0,
            4,
            0x11,
            0
        };
        assertProblem(COMPONENTS, "4 components (CMYK", () -> JpegParser.parse(cmyk));
        assertProblem(COMPONENTS, "2 components", () -> JpegParser.parse(Arrays.copyOf(patched(9, 2), FULL.length)));
        // A complete four-component file, as ImageIO writes a 4-band raster.
        byte[] real = imageIoFourComponents();
        assertProblem(COMPONENTS, "4 components (CMYK", () -> JpegParser.parse(real));
        assertProblem(COMPONENTS, "4 components (CMYK", () -> JpegStreams.strip(real));
        assertProblem(COMPONENTS, "4 components (CMYK", () -> JpegImages.decode(real));
    }

    @Test
    void twelveBitPrecision() {
        assertProblem(PRECISION, "12-bit", () -> JpegParser.parse(patched(4, 12)));
        assertProblem(PRECISION, "12-bit", () -> JpegParser.parse(patched(1, 0xC1, 0, 17, 12)));
    }

    @Test
    void zeroDimensions() {
        assertProblem(DIMENSIONS, "height 0", () -> JpegParser.parse(patched(5, 0, 0)));
        assertProblem(DIMENSIONS, "width 0", () -> JpegParser.parse(patched(7, 0, 0)));
    }

    @Test
    void hugeDimensions() {
        assertProblem(DIMENSIONS, "too large", () -> JpegParser.parse(patched(5, 0x4E, 0x20, 0x4E, 0x20)));
        assertProblem(DIMENSIONS, "65535x65535", () -> JpegParser.parse(patched(5, 0xFF, 0xFF, 0xFF, 0xFF)));
    }

    @Test
    void truncatedAnywhere() {
        for (int len = 2; len < FULL.length; len++) {
            byte[] cut = Arrays.copyOf(FULL, len);
            assertProblem(TRUNCATED, "truncated", () -> JpegParser.parse(cut));
        }
        assertProblem(NOT_JPEG, "not a JPEG", () -> JpegParser.parse(Arrays.copyOf(FULL, 1)));
    }

    @Test
    void wrongRestartMarker() {
        McuIndex index = McuIndex.of(FULL);
        byte[] b = FULL.clone();
        b[index.end(2) + 1] = (byte) 0xD5;
        assertProblem(MALFORMED, "restart marker RST5", () -> JpegParser.parse(b));
    }

    @Test
    void missingRestartIntervals() {
        McuIndex index = McuIndex.of(FULL);
        // Drop MCU 1 and its marker: the scan is one interval short.
        var out = new ByteArrayOutputStream();
        out.write(FULL, 0, index.start(1));
        out.write(FULL, index.endWithMarker(1), FULL.length - index.endWithMarker(1));
        assertProblem(MALFORMED, "restart marker", () -> JpegParser.parse(out.toByteArray()));
    }

    @Test
    void secondScanIsUnsupported() {
        byte[] b = FULL.clone();
        // Turn the EOI into the start of another segment.
        b[b.length - 1] = (byte) 0xDA;
        var withMore = Arrays.copyOf(b, b.length + 4);
        assertProblem(MALFORMED, "multi-scan", () -> JpegParser.parse(withMore));
    }

    @Test
    void badHuffmanTable() {
        int dht = JpegParser.parse(FULL).segments().stream()
                .filter(s -> s.marker() == 0xC4)
                .findFirst()
                .orElseThrow()
                .offset();
        byte[] b = FULL.clone();
        b[dht + 5] = 3; // three codes of length 1 cannot exist (symbol total kept: 5 -> 2 of length 3)
        b[dht + 7] = 2;
        assertProblem(MALFORMED, "Huffman", () -> JpegParser.parse(b));
    }

    @Test
    void segmentLengthPastTheEnd() {
        byte[] b = FULL.clone();
        b[4] = (byte) 0x7F; // APP0 length
        assertProblem(TRUNCATED, "APP0", () -> JpegParser.parse(b));
    }

    @Test
    void abbreviatedStreamNeedsTablesToDecode() {
        byte[] stream = JpegStreams.strip(FULL);
        assertProblem(MALFORMED, "tables", () -> JpegImages.decode(stream));
        assertEquals(40, JpegImages.decode(stream, JpegProfile.PAPER).getWidth());
    }

    @Test
    void everyProblemHasATest() {
        // Guard: adding a Problem constant needs a test above.
        assertEquals(
                List.of(
                        NOT_JPEG,
                        PROGRESSIVE,
                        ARITHMETIC,
                        LOSSLESS,
                        HIERARCHICAL,
                        PRECISION,
                        COMPONENTS,
                        DIMENSIONS,
                        TRUNCATED,
                        MALFORMED),
                List.of(Problem.values()));
    }

    private static byte[] imageIoFourComponents() {
        try {
            var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            var raster =
                    java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 24, 16, 4, null);
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 24; x++)
                    for (int b = 0; b < 4; b++) raster.setSample(x, y, b, (x * 10 + y * 7 + b * 60) & 0xFF);
            var out = new ByteArrayOutputStream();
            try (var ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(raster, null, null), writer.getDefaultWriteParam());
            }
            writer.dispose();
            byte[] jpeg = out.toByteArray();
            int sof = JpegParserTest.indexOfSof(jpeg);
            assertEquals(4, jpeg[sof + 9], "ImageIO wrote a 4-component frame");
            return jpeg;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Offset of the first SOF0 marker, found by scanning (the parser would reject the file). */
    private static int indexOfSof(byte[] jpeg) {
        for (int i = 0; i + 1 < jpeg.length; i++)
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC0) return i;
        throw new AssertionError("no SOF0");
    }

    private static byte[] imageIoProgressive() {
        try {
            var writer = ImageIO.getImageWritersByFormatName("jpeg").next();
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            var out = new ByteArrayOutputStream();
            try (var ios = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(ios);
                BufferedImage img = TestImages.gradient(32, 32, 2, false);
                writer.write(null, new IIOImage(img, null, null), param);
            }
            writer.dispose();
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
