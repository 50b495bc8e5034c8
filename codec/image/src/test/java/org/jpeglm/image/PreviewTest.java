package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jpeglm.SamplingParams;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Previews;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.jpeg.Subsampling;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Previews: a preview's finished MCUs are the final image's, pixel for pixel, except for 4:2:0 colour exactly the
 * pixels whose chroma upsampling (libjpeg's triangle filter: each pixel mixes its chroma sample with the nearest
 * neighbour in each direction) reaches a chroma sample of an unfinished MCU; the unfinished MCUs are neutral.
 */
class PreviewTest {
    @TempDir
    static Path dir;

    static Path gray;
    static Path colour;

    @BeforeAll
    static void writeModels() throws IOException {
        gray = dir.resolve("gray.gguf");
        TinyJpegLm.write(gray, 11);
        colour = dir.resolve("colour.gguf");
        TinyJpegLm.writeColour(colour, 12);
    }

    /** Whether pixel (x, y) of a 4:2:0 image mixes a chroma sample of an MCU at or past finished (raster order). */
    static boolean reachesUnfinished(JpegProfile profile, int x, int y, int finished) {
        if (profile.subsampling() != Subsampling.S420) {
            return false;
        }
        int perRow = (profile.width() + 15) / 16;
        int cw = (profile.width() + 1) / 2;
        int ch = (profile.height() + 1) / 2;
        int cx = x >> 1;
        int cy = y >> 1;
        int nx = Math.clamp((x & 1) == 0 ? cx - 1 : cx + 1, 0, cw - 1);
        int ny = Math.clamp((y & 1) == 0 ? cy - 1 : cy + 1, 0, ch - 1);
        for (int r : new int[] {cy, ny}) {
            for (int c : new int[] {cx, nx}) {
                if ((r / 8) * perRow + c / 8 >= finished) {
                    return true;
                }
            }
        }
        return false;
    }

    static int mcuOf(JpegProfile profile, int x, int y) {
        int size = profile.subsampling() == Subsampling.S420 ? 16 : 8;
        return (y / size) * ((profile.width() + size - 1) / size) + x / size;
    }

    /**
     * Compares a preview holding finished MCUs with the final image: returns the pixels that differ among those of
     * finished MCUs and checks that every one of them reaches an unfinished MCU's chroma.
     */
    static List<int[]> compare(JpegProfile profile, BufferedImage preview, BufferedImage fin, int finished) {
        List<int[]> differing = new ArrayList<>();
        for (int y = 0; y < profile.height(); y++) {
            for (int x = 0; x < profile.width(); x++) {
                if (mcuOf(profile, x, y) >= finished) {
                    continue;
                }
                if (preview.getRGB(x, y) != fin.getRGB(x, y)) {
                    assertTrue(
                            reachesUnfinished(profile, x, y, finished),
                            "pixel (" + x + ", " + y + ") of finished MCU " + mcuOf(profile, x, y) + " of " + finished
                                    + " differs but its chroma is all finished");
                    differing.add(new int[] {x, y});
                }
            }
        }
        return differing;
    }

    static int borderSize(JpegProfile profile, int finished) {
        int n = 0;
        for (int y = 0; y < profile.height(); y++) {
            for (int x = 0; x < profile.width(); x++) {
                n += mcuOf(profile, x, y) < finished && reachesUnfinished(profile, x, y, finished) ? 1 : 0;
            }
        }
        return n;
    }

    /** Saturated red against neutral chroma: every pixel of the border must change, and no other. */
    @Test
    void aColourPreviewDiffersFromTheFinalImageExactlyOnTheChromaBorder() {
        JpegProfile profile = TinyJpegLm.COLOUR_PROFILE;
        BufferedImage red = new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                red.setRGB(x, y, 0xE01010 + 3 * x + 2 * y);
            }
        }
        byte[] stream = new JpegEncoder(profile).encode(red);
        JpegRepair repair = new JpegRepair(profile);
        BufferedImage fin = JpegImages.decode(stream, profile);
        for (int finished = 1; finished < 4; finished++) {
            BufferedImage preview =
                    JpegImages.decode(JpegStreamState.preview(repair, JpegStreams.prefixMcus(stream, finished)));
            List<int[]> differing = compare(profile, preview, fin, finished);
            assertEquals(borderSize(profile, finished), differing.size(), finished + " MCUs: the whole border changed");
            assertTrue(differing.size() > 0);
        }
    }

    @Test
    void aGrayPreviewsFinishedMcusAreFinalAndTheRestIsNeutral() {
        JpegProfile profile = TinyJpegLm.PROFILE;
        byte[] stream = new JpegEncoder(profile).encode(TinyJpegLm.picture(4));
        BufferedImage fin = JpegImages.decode(stream, profile);
        for (int finished = 0; finished < 4; finished++) {
            BufferedImage preview = JpegImages.decode(
                    JpegStreamState.preview(new JpegRepair(profile), JpegStreams.prefixMcus(stream, finished)));
            assertEquals(List.of(), compare(profile, preview, fin, finished));
            assertNeutralBeyond(profile, preview, finished);
        }
    }

    static void assertNeutralBeyond(JpegProfile profile, BufferedImage preview, int finished) {
        for (int y = 0; y < profile.height(); y++) {
            for (int x = 0; x < profile.width(); x++) {
                if (mcuOf(profile, x, y) >= finished) { // the raster's sample: getRGB would map linear gray to sRGB
                    assertEquals(128, preview.getRaster().getSample(x, y, 0), "(" + x + ", " + y + ")");
                }
            }
        }
    }

    /** Generates with a preview after every MCU and checks each against the image it became. */
    static int checkGeneratedPreviews(Path model, JpegProfile profile, int parallel) {
        try (ImageModel m = ImageModel.load(model);
                ImageGenerator g = m.newGenerator(GenerationOptions.builder()
                        .parallel(parallel)
                        .threads(2)
                        .seed(3)
                        .maxTokens(1500)
                        .sampling(SamplingParams.builder()
                                .temperature(1f)
                                .topK(20)
                                .build())
                        .build())) {
            List<Event<GeneratedImage>> events = Collections.synchronizedList(new ArrayList<>());
            List<GeneratedImage> images = g.generate(3, Previews.every(1, Duration.ZERO), events::add);
            int previews = 0;
            for (Event<GeneratedImage> e : events) {
                if (e instanceof Event.Preview<GeneratedImage> p) {
                    GeneratedImage fin = images.get(p.index());
                    assertTrue(fin.clean(), fin.toString());
                    BufferedImage shown = JpegImages.decode(p.file());
                    assertEquals(profile.width(), shown.getWidth());
                    assertEquals(4, p.totalUnits(), "units are the image's MCUs");
                    byte[] cut = JpegStreams.prefixMcus(fin.stream(), p.units());
                    assertTrue(new JpegRepair(profile).paddable(cut, p.units() / profile.restartInterval()));
                    assertArrayEquals(
                            JpegStreamState.preview(new JpegRepair(profile), cut),
                            p.file(),
                            "the cut padded as repair pads it");
                    compare(profile, shown, fin.image(), p.units());
                    if (profile.subsampling() == Subsampling.GRAY) {
                        assertNeutralBeyond(profile, shown, p.units());
                    }
                    previews++;
                }
            }
            assertDone(images, events);
            return previews;
        }
    }

    /** Every image's previews rise one MCU at a time and come before its Finished event. */
    static void assertDone(List<GeneratedImage> images, List<Event<GeneratedImage>> events) {
        for (GeneratedImage image : images) {
            List<Event<GeneratedImage>> own =
                    events.stream().filter(e -> e.index() == image.index()).toList();
            assertEquals(new Event.Finished<>(image.index(), image), own.getLast());
            int last = 0;
            for (Event<GeneratedImage> e : own) {
                if (e instanceof Event.Preview<GeneratedImage> p) {
                    assertEquals(last + 1, p.units(), own.toString());
                    last = p.units();
                }
            }
            assertEquals(3, last, "a preview at every MCU but the last (the final image shows that one)");
        }
    }

    @Test
    void generatedPreviewsOnAGrayModelMatchTheirFinalImages() {
        assertEquals(9, checkGeneratedPreviews(gray, TinyJpegLm.PROFILE, 2));
    }

    @Test
    void generatedPreviewsOnAColourModelMatchTheirFinalImagesBeyondTheChromaBorder() {
        assertEquals(9, checkGeneratedPreviews(colour, TinyJpegLm.COLOUR_PROFILE, 3));
    }

    @Test
    void previewsFollowTheirPolicy() {
        try (ImageModel m = ImageModel.load(gray);
                ImageGenerator g = m.newGenerator(
                        GenerationOptions.builder().threads(2).parallel(2).build())) {
            assertEquals(List.of(), previewMcus(g, Previews.every(1, Duration.ofHours(1))), "too soon");
            assertEquals(List.of(2, 2), previewMcus(g, Previews.every(2, Duration.ZERO)));
            assertEquals(List.of(), previewMcus(g, Previews.NONE));
        }
        assertThrows(IllegalArgumentException.class, () -> Previews.every(1, Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Previews.every(0, Duration.ZERO));
    }

    /** The MCU counts of the previews two images get under policy. */
    static List<Integer> previewMcus(ImageGenerator g, Previews policy) {
        List<Integer> mcus = new ArrayList<>();
        g.generate(2, policy, e -> {
            if (e instanceof Event.Preview<GeneratedImage> p) {
                mcus.add(p.units());
            }
        });
        return mcus;
    }
}
