package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Byte-identity with a live cjpeg (Debian's libjpeg-turbo-progs, which .ci/run installs) on generated images:
 * every quality, random sizes, all layouts. Fails, naming the package, where cjpeg is not installed (never a silent skip); the
 * committed goldens cover the same ground.
 */
class CjpegLiveTest {

    @BeforeAll
    static void cjpegIsThere() {
        assertTrue(TestImages.cjpegAvailable(), TestImages.CJPEG_MISSING);
    }

    @Test
    void everyQualityMatches() {
        BufferedImage img = TestImages.gradient(48, 40, 5, false);
        for (int q = 1; q <= 100; q++) {
            byte[] ours = new JpegEncoder(JpegProfile.of(q, Subsampling.S420, 1)).encodeFull(img);
            assertArrayEquals(
                    TestImages.normalizeApp0(TestImages.cjpeg(img, q, Subsampling.S420)), ours, "quality " + q);
        }
    }

    @Test
    void randomImagesOfRandomSizesMatch() {
        var r = new SplittableRandom(20240611);
        Subsampling[] layouts = Subsampling.values();
        for (int i = 0; i < 60; i++) {
            Subsampling s = layouts[i % layouts.length];
            int w = 1 + r.nextInt(130), h = 1 + r.nextInt(130), q = r.nextInt(3) == 0 ? 1 + r.nextInt(100) : 25;
            boolean gray = s.isGray();
            BufferedImage img = switch (i % 4) {
                case 0 -> TestImages.noise(w, h, i, gray);
                case 1 -> TestImages.gradient(w, h, i, gray);
                case 2 -> TestImages.blocks(w, h, i, gray);
                default -> TestImages.flat(w, h, r.nextInt(1 << 24), gray);
            };
            byte[] ours = new JpegEncoder(JpegProfile.of(q, s, 1)).encodeFull(img);
            assertArrayEquals(
                    TestImages.normalizeApp0(TestImages.cjpeg(img, q, s)),
                    ours,
                    "case " + i + ": " + w + "x" + h + " " + s + " q" + q);
        }
    }

    @Test
    void paperSizeImagesMatch() {
        for (int seed = 0; seed < 4; seed++) {
            BufferedImage img = seed % 2 == 0
                    ? TestImages.gradient(256, 256, seed, false)
                    : TestImages.noise(256, 256, seed, false);
            assertArrayEquals(
                    TestImages.normalizeApp0(TestImages.cjpeg(img, 25, Subsampling.S420)),
                    JpegEncoder.paper().encodeFull(img));
        }
    }
}
