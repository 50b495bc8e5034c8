package org.jpeglm.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real sets with a chosen class mix: which images they hold, and what they refuse. */
class RealImagesTest {
    @Test
    void aClassMixTakesTheFirstImagesOfEachClassFromTheOffsetInTheSplitsOrder() throws IOException {
        int[] mix = {2, 0, 1, 0, 0, 0, 0, 0, 0, 3};
        List<BufferedImage> got = RealImages.fashionMnist(false, 5, mix);

        int[] labels = RealImages.labels(false, 5, 300);
        List<BufferedImage> split = RealImages.fashionMnist(false, 5, 300);
        int[] left = mix.clone();
        List<BufferedImage> want = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            if (left[labels[i]] > 0) {
                left[labels[i]]--;
                want.add(split.get(i));
            }
        }
        assertArrayEquals(new int[10], left, "300 test images hold these few of each class");
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(RealImages.SIDE, got.get(i).getWidth());
            assertArrayEquals(pixels(want.get(i)), pixels(got.get(i)), "image " + i);
        }
    }

    @Test
    void aClassMixRefusesWhatTheSplitCannotGive() {
        assertTrue(refused(new int[9]).contains("names 10 counts"));
        assertTrue(refused(new int[] {0, 0, 0, -1, 0, 0, 0, 0, 0, 0}).contains("at least 0"));
        // the test split has 1,000 images of each class
        String more = refused(new int[] {1001, 0, 0, 0, 0, 0, 0, 0, 0, 0});
        assertTrue(more.contains("only 1000 images of class T-shirt/top"), more);
    }

    private static String refused(int[] mix) {
        return assertThrows(IllegalArgumentException.class, () -> RealImages.fashionMnist(false, 0, mix))
                .getMessage();
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
    }
}
