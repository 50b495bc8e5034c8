package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.TokenPair;
import org.junit.jupiter.api.Test;

class PixelGrammarTest {
    private static boolean bit(long[] mask, int id) {
        return (mask[id >> 6] >>> id & 1) != 0;
    }

    @Test
    void igptAllowsEverySymbolUntilTheLastPixelThenOnlyEos() {
        BpeTokenizer t = BpeTokenizer.fromMerges(16, List.of(), "<s>", "</s>"); // BOS 16, EOS 17
        PixelGrammar g = PixelGrammar.of(t, 18);
        assertEquals(1, g.longest());
        for (int r : new int[] {1, 2, 784}) {
            for (int id = 0; id < 16; id++) {
                assertTrue(g.fits(id, r));
                assertTrue(bit(g.allowed(r), id));
            }
            assertFalse(g.fits(16, r), "BOS never");
            assertFalse(g.fits(17, r), "EOS only at the end");
        }
        for (int id = 0; id < 17; id++) {
            assertFalse(g.fits(id, 0));
        }
        assertTrue(g.fits(17, 0));
        assertEquals(1L << 17, g.allowed(0)[0]);
        assertSame(g.allowed(1), g.allowed(784), "masks are shared beyond the longest piece");
    }

    @Test
    void bpeIgptAllowsPiecesNoLongerThanThePixelsLeft() {
        // 0 1 2 3 | 4 = 00, 5 = 0000, 6 = 000000 (from 5 4) | BOS 7, EOS 8 | ids 9, 10 pad the model's vocabulary
        BpeTokenizer t = BpeTokenizer.fromMerges(
                4, List.of(new TokenPair(0, 0), new TokenPair(4, 4), new TokenPair(5, 4)), "<s>", "</s>");
        PixelGrammar g = PixelGrammar.of(t, 11);
        assertEquals(6, g.longest());
        assertEquals(4, g.symbols(5));
        assertEquals(0, g.symbols(8));
        assertTrue(g.fits(6, 6));
        assertFalse(g.fits(6, 5));
        assertTrue(g.fits(5, 5));
        assertFalse(g.fits(5, 3));
        assertTrue(g.fits(4, 2));
        assertFalse(g.fits(4, 1));
        assertTrue(g.fits(3, 1));
        assertFalse(g.fits(9, 100), "padding never");
        assertFalse(g.fits(10, 0));
        assertEquals(0b1111L | 1 << 4 | 1 << 5 | 1 << 6, g.allowed(1000)[0]);
        assertEquals(0b1111L | 1 << 4, g.allowed(3)[0]);
    }

    /** Whatever the sampler picks among the allowed tokens, the stream ends with exactly W·H symbols, then EOS. */
    @Test
    void followingTheMasksAlwaysWritesExactlyOneImage() {
        BpeTokenizer t = BpeTokenizer.fromMerges(
                4,
                List.of(new TokenPair(0, 1), new TokenPair(4, 4), new TokenPair(2, 2), new TokenPair(5, 6)),
                "<s>",
                "</s>");
        PixelGrammar g = PixelGrammar.of(t, t.vocabSize());
        Random rnd = new Random(9);
        for (int trial = 0; trial < 200; trial++) {
            int remaining = 1 + rnd.nextInt(40);
            int written = 0;
            int target = remaining;
            while (true) {
                long[] mask = g.allowed(remaining);
                int id;
                do {
                    id = rnd.nextInt(t.vocabSize());
                } while (!bit(mask, id));
                if (id == t.eosId()) {
                    break;
                }
                written += g.symbols(id);
                remaining -= g.symbols(id);
            }
            assertEquals(target, written);
        }
    }

    @Test
    void refusesWhatCannotBeAGrammar() {
        BpeTokenizer t = BpeTokenizer.fromMerges(4, List.of(), "<s>", "</s>");
        assertThrows(IllegalArgumentException.class, () -> PixelGrammar.of(t, 5));
        assertThrows(
                IllegalArgumentException.class,
                () -> PixelGrammar.of(BpeTokenizer.fromMerges(4, List.of(), "<s>", null), 6));
        assertThrows(IllegalArgumentException.class, () -> new PixelGrammar(new int[] {1, 1}, 0), "EOS has symbols");
        assertThrows(IllegalArgumentException.class, () -> new PixelGrammar(new int[] {0, 0}, 0), "no symbols");
        assertThrows(IllegalArgumentException.class, () -> PixelGrammar.of(t, 6).allowed(-1));
    }
}
