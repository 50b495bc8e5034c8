package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PaletteTest {
    @Test
    void grayLevelsSpanBlackToWhite() {
        assertArrayEquals(
                new byte[] {0, 85, (byte) 170, (byte) 255}, Palette.gray(4).entries());
        Palette sixteen = Palette.gray(16);
        assertEquals(16, sixteen.size());
        assertEquals(1, sixteen.channels());
        for (int k = 0; k < 16; k++) {
            assertEquals(17 * k, sixteen.level(k));
        }
        assertEquals(0, Palette.gray(2).level(0));
        assertEquals(255, Palette.gray(2).level(1));
    }

    @Test
    void aPixelGoesToTheNearestLevelTiesLow() {
        Palette p = Palette.gray(4); // 0, 85, 170, 255
        assertEquals(0, p.nearestGray(42));
        assertEquals(1, p.nearestGray(43));
        assertEquals(1, p.nearestGray(127));
        assertEquals(2, p.nearestGray(128));
        assertEquals(3, p.nearestGray(255));
        Palette tie = Palette.of(1, new byte[] {10, 20});
        assertEquals(0, tie.nearestGray(15), "equidistant: the lower index");
        for (int v = 0; v < 256; v++) {
            int k = Palette.gray(16).nearestGray(v);
            assertTrue(Math.abs(17 * k - v) <= 8, "level " + k + " for " + v);
        }
    }

    @Test
    void refusesBadPalettes() {
        assertThrows(IllegalArgumentException.class, () -> Palette.gray(1));
        assertThrows(IllegalArgumentException.class, () -> Palette.gray(257));
        assertThrows(IllegalArgumentException.class, () -> Palette.of(2, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> Palette.of(3, new byte[7]));
        assertThrows(IllegalArgumentException.class, () -> Palette.of(3, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> Palette.of(1, new byte[257]));
        assertThrows(IllegalStateException.class, () -> Palette.gray(4).nearestRgb(0));
        assertThrows(
                IllegalStateException.class, () -> Palette.of(3, new byte[6]).nearestGray(0));
    }

    /** Four flat colours plus a gradient: k-means with K = 4 + 3 keeps each flat colour exactly. */
    @Test
    void kMeansRecoversFlatColoursExactly() {
        int[] flat = {0xC00000, 0x00A000, 0x2020E0, 0xF0F0F0};
        int[] sample = new int[4 * 500 + 256];
        for (int i = 0; i < 2000; i++) {
            sample[i] = flat[i % 4];
        }
        for (int g = 0; g < 256; g++) {
            sample[2000 + g] = g << 16 | (255 - g) << 8 | 128;
        }
        Palette p = Palette.kMeans(sample, 7, 42);
        assertEquals(3, p.channels());
        assertEquals(7, p.size());
        Set<Integer> entries = new HashSet<>();
        for (int k = 0; k < p.size(); k++) {
            entries.add(p.rgb(k));
        }
        for (int c : flat) {
            assertTrue(entries.contains(c), Integer.toHexString(c) + " in " + entries);
            assertEquals(c, p.rgb(p.nearestRgb(c)));
        }
    }

    @Test
    void kMeansIsDeterministic() {
        SplittableRandom r = new SplittableRandom(5);
        int[] sample = r.ints(5000, 0, 1 << 24).toArray();
        Palette a = Palette.kMeans(sample, 16, 1);
        assertEquals(a, Palette.kMeans(sample.clone(), 16, 1));
        assertTrue(!a.equals(Palette.kMeans(sample, 16, 2)), "another seed, another start");
    }

    @Test
    void kMeansWithFewerColoursThanEntriesRepeatsTheLast() {
        int[] two = new int[100];
        Arrays.fill(two, 50, 100, 0x123456);
        Palette p = Palette.kMeans(two, 4, 3);
        assertEquals(4, p.size());
        assertEquals(Set.of(0, 0x123456), new HashSet<>(List.of(p.rgb(0), p.rgb(1), p.rgb(2), p.rgb(3))));
        assertEquals(0x123456, p.rgb(p.nearestRgb(0x123456)));
    }
}
