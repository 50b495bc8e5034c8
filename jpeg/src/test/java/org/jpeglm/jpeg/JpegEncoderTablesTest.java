package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link JpegEncoder#JpegEncoder(JpegProfile, JpegTables)}: streams coded with custom quantization and Huffman
 * tables, not the IJG tables of the quality.
 */
class JpegEncoderTablesTest {
    /** Finer quantizers than quality 25 and the Annex K Huffman tables with their symbols reversed. */
    static JpegTables custom() {
        int[] luma = new int[64];
        int[] chroma = new int[64];
        for (int k = 0; k < 64; k++) {
            luma[k] = 3 + k / 4;
            chroma[k] = 5 + k / 2;
        }
        JpegTables ijg = JpegTables.forQuality(25);
        return new JpegTables(
                List.of(new QuantTable(0, luma), new QuantTable(1, chroma)),
                List.of(reversed(ijg.dc(0)), reversed(ijg.ac(0)), reversed(ijg.dc(1)), reversed(ijg.ac(1))));
    }

    /** The same code lengths with the symbols in reverse order: every symbol still has a code, most another one. */
    static HuffmanTable reversed(HuffmanTable t) {
        int[] s = t.symbols();
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) r[i] = s[s.length - 1 - i];
        return new HuffmanTable(t.tableClass(), t.id(), t.counts(), r);
    }

    static BufferedImage picture(Subsampling s) {
        BufferedImage photo = TestImages.png("sources/hopper.png").getSubimage(96, 40, 64, 48);
        return s.isGray() ? JpegEncoder.toGray(photo) : JpegEncoder.toBgr(photo);
    }

    @ParameterizedTest
    @EnumSource(Subsampling.class)
    void customTablesParseBackExactlyAndDecodeWithinJpegError(Subsampling s) {
        JpegProfile profile = new JpegProfile(25, s, 1, 64, 48);
        JpegTables tables = custom();
        BufferedImage img = picture(s);
        JpegEncoder encoder = new JpegEncoder(profile, tables);
        byte[] stream = encoder.encode(img);
        byte[] full = encoder.encodeFull(img);

        JpegTables back = JpegTables.from(full);
        int ids = s.isGray() ? 1 : 2;
        for (int id = 0; id < ids; id++) {
            assertEquals(tables.quant(id), back.quant(id), "quant " + id);
            assertEquals(tables.dc(id), back.dc(id), "DC " + id);
            assertEquals(tables.ac(id), back.ac(id), "AC " + id);
        }
        assertEquals(ids, back.quantTables().size());
        assertEquals(2 * ids, back.huffmanTables().size());
        assertEquals(tables, encoder.tables());

        // The entropy-coded data is coded with the custom Huffman codes: their grammar accepts it, the IJG one does
        // not.
        assertTrue(new JpegSyntax(profile, tables).accepts(stream));
        assertFalse(new JpegSyntax(profile).accepts(stream));

        // An independent decoder (ImageIO's reader, with the file's tables) gets the picture back: finer
        // quantizers than quality 25, so closer than the IJG encoding.
        double custom = meanError(img, JpegImages.decode(full));
        double ijg = meanError(img, JpegImages.decode(new JpegEncoder(profile).encodeFull(img)));
        assertTrue(custom < 4, "mean error " + custom);
        assertTrue(custom < ijg, "custom " + custom + " vs IJG quality 25 " + ijg);
        assertArrayEquals(
                TestImages.samples(JpegImages.decode(full)), TestImages.samples(JpegImages.decode(stream, tables)));
    }

    @Test
    void theIjgTablesGiveTheProfileEncodersBytes() {
        for (Subsampling s : Subsampling.values()) {
            JpegProfile profile = JpegProfile.of(25, s, 1);
            BufferedImage img = picture(s);
            assertArrayEquals(
                    new JpegEncoder(profile).encode(img),
                    new JpegEncoder(profile, profile.tables()).encode(img),
                    s.name());
        }
    }

    @Test
    void tablesTheProfileCannotUseAreRefusedByName() {
        JpegTables all = custom();
        JpegProfile colour = JpegProfile.of(25, Subsampling.S420, 1);
        JpegTables lumaOnly = new JpegTables(List.of(all.quant(0)), all.huffmanTables());
        var e = assertThrows(IllegalArgumentException.class, () -> new JpegEncoder(colour, lumaOnly));
        assertTrue(e.getMessage().contains("quantization table 1"), e.getMessage());
        // A gray profile needs only the tables 0.
        JpegTables grayTables = new JpegTables(List.of(all.quant(0)), List.of(all.dc(0), all.ac(0)));
        assertNotNull(
                new JpegEncoder(JpegProfile.of(25, Subsampling.GRAY, 1), grayTables).encode(picture(Subsampling.GRAY)));
        JpegTables noAc = new JpegTables(all.quantTables(), List.of(all.dc(0), all.dc(1), all.ac(0)));
        e = assertThrows(IllegalArgumentException.class, () -> new JpegEncoder(colour, noAc));
        assertTrue(e.getMessage().contains("AC Huffman table 1"), e.getMessage());
        int[] big = new int[64];
        java.util.Arrays.fill(big, 300);
        JpegTables sixteenBit = new JpegTables(List.of(new QuantTable(0, big), all.quant(1)), all.huffmanTables());
        e = assertThrows(IllegalArgumentException.class, () -> new JpegEncoder(colour, sixteenBit));
        assertTrue(e.getMessage().contains("8-bit"), e.getMessage());
        assertThrows(NullPointerException.class, () -> new JpegEncoder(colour, null));
    }

    @Test
    void aHuffmanTableWithoutACodeTheImageNeedsIsReported() {
        JpegTables ijg = JpegTables.forQuality(25);
        int[] counts = new int[16];
        counts[1] = 2; // two codes of two bits: EOB and one other AC symbol, far too few for a photo
        JpegTables tooFew =
                new JpegTables(ijg.quantTables(), List.of(ijg.dc(0), new HuffmanTable(1, 0, counts, new int[] {0, 1})));
        JpegEncoder encoder = new JpegEncoder(new JpegProfile(25, Subsampling.GRAY, 1, 64, 48), tooFew);
        var e = assertThrows(IllegalArgumentException.class, () -> encoder.encode(picture(Subsampling.GRAY)));
        assertTrue(e.getMessage().contains("Huffman"), e.getMessage());
    }

    static double meanError(BufferedImage a, BufferedImage b) {
        int[] x = TestImages.samples(a);
        int[] y = TestImages.samples(b);
        assertEquals(x.length, y.length);
        long sum = 0;
        for (int i = 0; i < x.length; i++) sum += Math.abs(x[i] - y[i]);
        return (double) sum / x.length;
    }
}
