package org.jpeglm.train;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokenWindowsTest {
    @Test
    void windowsAreTheConcatenatedStreamWithNextTokenLabels() {
        List<int[]> images = List.of(new int[] {9, 1, 2, 8}, new int[] {9, 3, 8}, new int[] {9, 4, 5, 6, 8});
        TokenWindows w = TokenWindows.pack(images, 5);
        // Stream 9 1 2 8 9 3 8 9 4 5 6 8: 12 tokens make two windows of 5 (each needs one more token for its labels).
        assertEquals(2, w.windows());
        assertArrayEquals(new int[] {9, 1, 2, 8, 9, 3, 8, 9, 4, 5}, w.tokens());
        assertArrayEquals(new int[] {1, 2, 8, 9, 3, 8, 9, 4, 5, 6}, w.labels());
    }

    @Test
    void tooLittleDataMakesNoWindow() {
        assertEquals(0, TokenWindows.pack(List.of(new int[] {1, 2, 3}), 3).windows());
        assertEquals(1, TokenWindows.pack(List.of(new int[] {1, 2, 3, 4}), 3).windows());
        assertThrows(IllegalArgumentException.class, () -> TokenWindows.pack(List.of(), 0));
    }

    @Test
    void alignedWindowsAreOneSequenceEach() {
        List<int[]> images = List.of(new int[] {9, 1, 2, 8}, new int[] {9, 3, 4, 8});
        TokenWindows w = TokenWindows.aligned(images, 3);
        assertEquals(2, w.windows());
        assertArrayEquals(new int[] {9, 1, 2, 9, 3, 4}, w.tokens());
        assertArrayEquals(new int[] {1, 2, 8, 3, 4, 8}, w.labels());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> TokenWindows.aligned(List.of(new int[] {9, 1, 2, 8}, new int[] {9, 8}), 3));
        assertTrue(e.getMessage().contains("sequence 1 has 2"), e.getMessage());
        assertEquals(0, TokenWindows.aligned(List.of(), 3).windows());
    }
}
