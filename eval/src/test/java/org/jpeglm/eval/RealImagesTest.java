package org.jpeglm.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real sets with a chosen class mix: which images they hold, and what they refuse. */
class RealImagesTest {
    static final int[] MIX = {2, 0, 1, 0, 0, 0, 0, 0, 0, 3};

    /**
     * Each class as many times as asked, ascending, none before the offset, and none of a class skipped: every image
     * of class c from the offset up to the last one chosen is chosen.
     */
    @Test
    void aClassMixIsTheFirstImagesOfEachClassFromTheOffset() throws IOException {
        int offset = 5;
        int[] labels = RealImages.labels(false, 0, -1);
        int[] chosen = RealImages.classMix(labels, offset, MIX);

        int[] perClass = new int[MIX.length];
        int[] last = new int[MIX.length];
        for (int k = 0; k < chosen.length; k++) {
            assertTrue(chosen[k] >= offset && (k == 0 || chosen[k] > chosen[k - 1]), "index " + chosen[k]);
            perClass[labels[chosen[k]]]++;
            last[labels[chosen[k]]] = chosen[k];
        }
        assertArrayEquals(MIX, perClass);
        for (int c = 0; c < MIX.length; c++) {
            int ofClass = 0;
            for (int i = offset; i <= last[c] && MIX[c] > 0; i++) {
                ofClass += labels[i] == c ? 1 : 0;
            }
            assertEquals(MIX[c], ofClass, "class " + c + " skips an image");
        }
        assertTrue(labels[0] == 9, "the test split begins with an ankle boot: an offset of 0 would choose it");
        assertTrue(chosen[0] > 0);
    }

    @Test
    void theImagesAreThoseOfTheIndicesPaddedAsTheSplitsAre() throws IOException {
        int[] chosen = RealImages.classMix(RealImages.labels(false, 0, -1), 5, MIX);
        List<BufferedImage> got = RealImages.fashionMnist(false, 5, MIX);
        List<BufferedImage> split = RealImages.fashionMnist(false, 0, chosen[chosen.length - 1] + 1);
        assertEquals(chosen.length, got.size());
        for (int k = 0; k < chosen.length; k++) {
            assertEquals(RealImages.SIDE, got.get(k).getWidth());
            assertArrayEquals(pixels(split.get(chosen[k])), pixels(got.get(k)), "image " + k);
        }
    }

    @Test
    void aClassMixRefusesWhatTheSplitCannotGive() {
        assertTrue(refused(0, new int[9]).contains("names 10 counts"));
        assertTrue(refused(0, new int[] {0, 0, 0, -1, 0, 0, 0, 0, 0, 0}).contains("at least 0"));
        assertTrue(refused(-1, MIX).contains("the offset must be at least 0"));
        // the test split has 1,000 images of each class
        String more = refused(0, new int[] {1001, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertTrue(more.contains("only 1000 images of class T-shirt/top"), more);
        String huge = refused(0, new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE, 2, 0, 0, 0, 0, 0, 0, 0});
        assertTrue(huge.contains("only 1000 images of class T-shirt/top"), huge);
        String beyond = refused(20_000, MIX);
        assertTrue(beyond.contains("only 0 images of class T-shirt/top from image 20000 on"), beyond);
    }

    private static String refused(int offset, int[] mix) {
        return assertThrows(IllegalArgumentException.class, () -> RealImages.fashionMnist(false, offset, mix))
                .getMessage();
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
    }
}
