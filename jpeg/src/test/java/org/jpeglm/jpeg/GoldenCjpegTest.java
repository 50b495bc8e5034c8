package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Byte-identity with libjpeg-turbo's cjpeg (same bytes as Pillow) on the committed golden cases: photos,
 * Fashion-MNIST, synthetic edge cases; RGB and gray; 256, 64, 32 and odd sizes. The goldens come from
 * src/test/scripts/make-jpeg-golden.sh, so this test needs no external tools.
 */
class GoldenCjpegTest {

    record Case(
            String name,
            String source,
            int left,
            int top,
            int width,
            int height,
            Subsampling subsampling,
            int quality) {
        JpegProfile profile() {
            return JpegProfile.of(quality, subsampling, 1);
        }

        BufferedImage image() {
            return TestImages.png("sources/" + source).getSubimage(left, top, width, height);
        }

        byte[] golden() {
            return TestImages.resource("golden/" + name + ".jpg");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Case> cases() {
        var out = new ArrayList<Case>();
        for (String line : new String(TestImages.resource("cases.tsv"), StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] f = line.trim().split("\t");
            out.add(new Case(
                    f[0],
                    f[1],
                    Integer.parseInt(f[2]),
                    Integer.parseInt(f[3]),
                    Integer.parseInt(f[4]),
                    Integer.parseInt(f[5]),
                    Subsampling.valueOf(f[6]),
                    Integer.parseInt(f[7])));
        }
        return out;
    }

    @Test
    void casesCoverColourGraySizesAndPhotos() {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 50, "at least 50 golden cases, got " + cases.size());
        assertTrue(cases.stream().filter(c -> c.subsampling().isGray()).count() >= 15);
        assertTrue(cases.stream().filter(c -> !c.subsampling().isGray()).count() >= 30);
        for (int size : new int[] {256, 64, 32})
            assertTrue(cases.stream().anyMatch(c -> c.width() == size && c.height() == size), "size " + size);
        assertTrue(cases.stream().anyMatch(c -> c.width() == 100 && c.height() == 75));
        assertTrue(cases.stream()
                        .filter(c -> c.width() % 8 != 0 || c.height() % 8 != 0)
                        .count()
                >= 10);
        // Distinct input images (a crop of a source, as colour or gray): several cases may share one.
        List<String> images = cases.stream()
                .map(c -> c.source() + "@" + c.left() + "," + c.top() + "," + c.width() + "x" + c.height()
                        + (c.subsampling().isGray() ? " gray" : " colour"))
                .distinct()
                .toList();
        assertTrue(images.size() >= 50, "at least 50 distinct images, got " + images.size());
        List<String> photos = List.of("hopper", "seeding", "picos", "wine", "life", "umang", "fashion");
        long photoImages = images.stream()
                .filter(i -> photos.stream().anyMatch(i::startsWith))
                .count();
        assertTrue(photoImages >= 25, "photo crops: " + photoImages);
        assertTrue(images.size() - photoImages >= 15, "synthetic images: " + (images.size() - photoImages));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void completeFileMatchesCjpeg(Case c) {
        byte[] ours = new JpegEncoder(c.profile()).encodeFull(c.image());
        assertArrayEquals(TestImages.normalizeApp0(c.golden()), TestImages.normalizeApp0(ours));
        assertArrayEquals(JpegSegments.APP0_JFIF, java.util.Arrays.copyOfRange(ours, 2, 20), "Pillow's APP0");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void abbreviatedStreamMatchesStrippedCjpeg(Case c) {
        byte[] ours = new JpegEncoder(c.profile()).encode(c.image());
        assertArrayEquals(JpegStreams.strip(TestImages.normalizeApp0(c.golden())), ours);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void stripThenReassembleRestoresTheFileAndItsPixels(Case c) {
        byte[] golden = TestImages.normalizeApp0(c.golden());
        byte[] stripped = JpegStreams.strip(golden);
        assertTrue(JpegParser.parse(stripped).isAbbreviated());
        assertArrayEquals(golden, JpegStreams.reassemble(stripped, JpegTables.from(golden)));
        assertArrayEquals(golden, JpegStreams.reassemble(stripped, c.profile().tables()), "tables from quality");
        BufferedImage direct = JpegImages.decode(golden);
        BufferedImage viaStream = JpegImages.decode(stripped, c.profile());
        assertEquals(c.width(), viaStream.getWidth());
        assertEquals(c.height(), viaStream.getHeight());
        assertArrayEquals(TestImages.samples(direct), TestImages.samples(viaStream));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void repairLeavesWellFormedStreamsUntouched(Case c) {
        byte[] stream = JpegStreams.strip(TestImages.normalizeApp0(c.golden()));
        JpegRepair.Result r = JpegRepair.repair(stream, c.profile().withSize(c.width(), c.height()));
        assertTrue(r.report().clean(), () -> r.report().toString());
        assertArrayEquals(stream, r.stream());
        assertEquals(McuIndex.of(stream).mcuCount(), r.report().mcusKept());
    }
}
