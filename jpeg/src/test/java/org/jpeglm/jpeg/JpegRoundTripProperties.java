package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * For files written by {@link JpegEncoder}, over random images, sizes and profiles: the abbreviated stream is
 * the stripped complete file; reassembling it with the profile's tables gives the complete file back byte for
 * byte; and decoding the reassembled stream gives exactly the pixels of decoding the complete file.
 */
class JpegRoundTripProperties {
    private static final List<BufferedImage> PHOTOS = List.of(
            TestImages.png("sources/hopper.png"),
            TestImages.png("sources/picos.png"),
            TestImages.png("sources/life-gray.png"));

    private static BufferedImage image(SplittableRandom r, int w, int h, boolean gray) {
        return switch (r.nextInt(5)) {
            case 0 -> TestImages.noise(w, h, r.nextLong(), gray);
            case 1 -> TestImages.gradient(w, h, r.nextLong(), gray);
            case 2 -> TestImages.blocks(w, h, r.nextLong(), gray);
            case 3 -> TestImages.flat(w, h, r.nextInt(1 << 24), gray);
            default -> {
                BufferedImage photo = PHOTOS.get(r.nextInt(PHOTOS.size()));
                yield photo.getSubimage(r.nextInt(257 - w), r.nextInt(257 - h), w, h);
            }
        };
    }

    @Property(tries = 250)
    void reassembleOfStripIsTheEncodersFileAndDecodesToTheSamePixels(@ForAll long seed) {
        var r = new SplittableRandom(seed);
        Subsampling s = Subsampling.values()[r.nextInt(Subsampling.values().length)];
        int w = 1 + r.nextInt(r.nextBoolean() ? 40 : 256), h = 1 + r.nextInt(r.nextBoolean() ? 40 : 256);
        int quality = r.nextInt(3) == 0 ? 1 + r.nextInt(100) : 25;
        int restart = r.nextInt(3) == 0 ? r.nextInt(6) : 1;
        JpegProfile profile = JpegProfile.of(quality, s, restart);
        BufferedImage img = image(r, w, h, s.isGray() && r.nextBoolean());
        String what = w + "x" + h + " " + profile;

        var encoder = new JpegEncoder(profile);
        byte[] full = encoder.encodeFull(img);
        byte[] stream = encoder.encode(img);
        assertArrayEquals(stream, JpegStreams.strip(full), what);
        assertTrue(JpegParser.parse(stream).isAbbreviated(), what);
        byte[] back = JpegStreams.reassemble(stream, profile.tables());
        assertArrayEquals(full, back, what);
        assertArrayEquals(full, JpegStreams.reassemble(stream, JpegTables.from(full)), what);
        assertArrayEquals(
                TestImages.samples(JpegImages.decode(full)),
                TestImages.samples(JpegImages.decode(stream, profile)),
                what);
        assertEquals(profile.mcuCount(w, h), McuIndex.of(stream).mcuCount(), what);
    }
}
