package org.jpeglm.jpeg;

import static org.jpeglm.jpeg.JpegFormatException.Problem.*;
import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.List;
import org.jpeglm.jpeg.JpegFormatException.Problem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real files of the kinds the paper's pipeline never produces, written by libjpeg-turbo's cjpeg (Debian's
 * libjpeg-turbo-progs, which .ci/run installs): every entry point rejects them with the
 * {@link JpegFormatException} naming the feature. Fails, naming the package, where cjpeg is absent; the
 * hand-made headers in {@link JpegParserTest} cover the same problems without it. (cjpeg 2.1.5 cannot write
 * 12-bit or lossless files; those and CMYK are covered there.)
 */
class CjpegBadInputTest {
    private static final BufferedImage RGB = TestImages.gradient(48, 40, 9, false);
    private static final BufferedImage GRAY = TestImages.gradient(30, 20, 9, true);

    @BeforeAll
    static void needsCjpeg() {
        assertTrue(TestImages.cjpegAvailable(), TestImages.CJPEG_MISSING);
    }

    /** Every public way in: the parser, strip, reassemble, decoding (complete and abbreviated). */
    private static void rejectedEverywhere(byte[] jpeg, Problem problem, String... messageParts) {
        List<org.junit.jupiter.api.function.Executable> entries = List.of(
                () -> JpegParser.parse(jpeg),
                () -> JpegStreams.strip(jpeg),
                () -> JpegStreams.reassemble(jpeg, JpegProfile.PAPER.tables()),
                () -> JpegImages.decode(jpeg),
                () -> JpegImages.decode(jpeg, JpegProfile.PAPER),
                () -> McuIndex.of(jpeg));
        for (var entry : entries) {
            var e = assertThrows(JpegFormatException.class, entry);
            assertEquals(problem, e.problem(), e.getMessage());
            for (String part : messageParts)
                assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should name '" + part + "'");
        }
    }

    @Test
    void progressive() {
        rejectedEverywhere(
                TestImages.cjpegWith(RGB, false, "-progressive"),
                PROGRESSIVE,
                "progressive JPEG not supported",
                "SOF2");
        rejectedEverywhere(TestImages.cjpegWith(GRAY, true, "-progressive"), PROGRESSIVE, "progressive", "SOF2");
    }

    @Test
    void arithmeticCoded() {
        rejectedEverywhere(
                TestImages.cjpegWith(RGB, false, "-arithmetic"),
                ARITHMETIC,
                "arithmetic-coded JPEG not supported",
                "SOF9");
        rejectedEverywhere(
                TestImages.cjpegWith(GRAY, true, "-arithmetic", "-restart", "1B"), ARITHMETIC, "arithmetic", "SOF9");
    }

    @Test
    void progressiveArithmetic() {
        rejectedEverywhere(
                TestImages.cjpegWith(RGB, false, "-progressive", "-arithmetic"), ARITHMETIC, "arithmetic", "SOF10");
    }

    @Test
    void truncatedCjpegFile() {
        byte[] full = TestImages.cjpegWith(RGB, false, "-quality", "25", "-restart", "1B");
        for (int cut : new int[] {3, 30, 200, full.length / 2, full.length - 2, full.length - 1}) {
            byte[] part = java.util.Arrays.copyOf(full, cut);
            rejectedEverywhere(part, TRUNCATED, "truncated");
        }
    }

    /** Sanity: the same images written as baseline are accepted, so the rejections above are about the feature. */
    @Test
    void baselineVersionsOfTheSameImagesParse() {
        assertEquals(
                48,
                JpegImages.decode(TestImages.cjpegWith(RGB, false, "-baseline")).getWidth());
        assertEquals(
                30,
                JpegImages.decode(TestImages.cjpegWith(GRAY, true, "-baseline")).getWidth());
    }
}
