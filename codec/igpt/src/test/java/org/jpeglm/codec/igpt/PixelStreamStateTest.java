package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.TokenPair;
import org.jpeglm.codec.StreamState;
import org.junit.jupiter.api.Test;

/**
 * How the pixel codec follows one stream, without a model: rows as progress, completeness at exactly width×height,
 * the grammar's masks by the pixels left, token healing's forced masks (within the grammar when constrained) and
 * previews of the whole rows.
 */
class PixelStreamStateTest {
    private static final IgptProfile PROFILE = new IgptProfile(3, 2, Palette.gray(2));
    // Symbols 0, 1; merges: "00" (id 2), "000" (id 3); BOS 4, EOS 5; the model pads to 8 ids.
    private static final BpeTokenizer TOKENIZER = BpeTokenizer.fromMerges(
            2, List.of(new TokenPair(0, 0), new TokenPair(2, 0)), BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS);
    private static final PixelCodec CODEC = new PixelCodec(new IgptSpec(PROFILE, TOKENIZER));

    private static List<Integer> ids(long[] mask) {
        List<Integer> ids = new ArrayList<>();
        for (int id = 0; id < 64 * mask.length; id++) {
            if ((mask[id >> 6] >>> id & 1) != 0) {
                ids.add(id);
            }
        }
        return ids;
    }

    @Test
    void theCodecIsNamedByItsMerges() {
        assertEquals("bpe-igpt", CODEC.name());
        assertEquals("igpt", new PixelCodec(IgptSpec.igpt(PROFILE)).name());
        assertEquals(2, CODEC.units());
        assertEquals("rows", CODEC.unitName());
    }

    @Test
    void progressIsInWholeRowsAndTheStreamEndsAtTheLastPixel() {
        StreamState s = CODEC.newWriter(8).open(new byte[] {1, 0});
        assertEquals(0, s.units());
        assertEquals(2, s.totalUnits());
        assertFalse(s.take(3, new byte[] {0, 0, 0}));
        assertEquals(1, s.units());
        assertEquals(List.of(0, 1), ids(s.allowed()), "one pixel left: the one-symbol tokens only");
        assertFalse(s.fits(5), "EOS only at the end");
        assertTrue(s.take(1, new byte[] {1}));
        assertTrue(s.complete());
        assertEquals(2, s.units());
        assertEquals(List.of(5), ids(s.allowed()), "whole: EOS only");
        assertTrue(s.fits(5));
    }

    @Test
    void aMergedTokenFitsOnlyWhileItsPixelsAreLeft() {
        StreamState s = CODEC.newWriter(8).open(new byte[0]);
        assertEquals(List.of(0, 1, 2, 3), ids(s.allowed()), "BOS, EOS and the padding never");
        s.take(3, new byte[] {0, 0, 0});
        s.take(1, new byte[] {1});
        assertEquals(List.of(0, 1, 2), ids(s.allowed()), "two pixels left: not the three-symbol token");
        assertFalse(s.fits(3));
        assertTrue(s.fits(2));
    }

    @Test
    void forcedBytesAgreeWithTheTokensAndTheGrammarWhenConstrained() {
        byte[] forced = {0, 0};
        StreamState s = CODEC.newWriter(8).open(new byte[] {1, 1, 1, 1});
        assertEquals(List.of(0, 2, 3), ids(s.forced(forced, 0, false)), "prefixes of 00 and tokens starting with it");
        assertEquals(List.of(0, 2), ids(s.forced(forced, 0, true)), "two pixels left: 000 does not fit");
        assertEquals(List.of(0, 2, 3), ids(s.forced(forced, 1, false)), "from the second forced byte");
    }

    @Test
    void aPreviewIsThePngOfTheWholeRows() throws IOException {
        StreamState s = CODEC.newWriter(8).open(new byte[0]);
        BufferedImage shown = ImageIO.read(new ByteArrayInputStream(s.preview(new byte[] {1, 1, 1, 1})));
        assertEquals(3, shown.getWidth());
        assertEquals(2, shown.getHeight());
        int[] row0 = shown.getRaster().getPixels(0, 0, 3, 1, (int[]) null);
        int[] row1 = shown.getRaster().getPixels(0, 1, 3, 1, (int[]) null);
        assertArrayEquals(new int[] {255, 255, 255}, row0);
        assertArrayEquals(new int[] {0, 0, 0}, row1, "the unfinished row is palette entry 0");
    }
}
