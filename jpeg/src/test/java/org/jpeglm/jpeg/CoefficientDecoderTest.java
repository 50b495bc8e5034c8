package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one block decoder: its rules, its two strictnesses, and the faults it names. */
class CoefficientDecoderTest {
    private static final JpegProfile GRAY = new JpegProfile(50, Subsampling.GRAY, 1, 8, 8);

    private static ScanCodes codes(JpegTables tables, boolean canonical) {
        return ScanCodes.of(Subsampling.GRAY, tables, canonical);
    }

    /** Bits of the block: (symbol, magnitude size) pairs, DC first, coded with the standard tables. */
    private static BitReader block(int... symbols) {
        ScanCodes codes = codes(GRAY.tables(), false);
        var out = new ByteSink(64);
        var bits = new BitWriter(out);
        for (int i = 0; i < symbols.length; i++) {
            HuffmanCode code = i == 0 ? codes.dc(0) : codes.ac(0);
            code.encode(bits, symbols[i]);
            int size = symbols[i] & 15;
            if (size > 0) bits.put(1, size);
        }
        bits.flush();
        byte[] data = JpegRepair.Scan.of(out.toByteArray(), 0, false).data(); // without the 00 after each FF
        return new BitReader(data, 0, data.length);
    }

    /** One bit through {@link CoefficientDecoder#bits}: its flags, or a fault. */
    private static int bit(CoefficientDecoder d, int bit) {
        int r = d.bits(bit, 1);
        return r < 0 ? r : r & 3;
    }

    /** Feeds in bit by bit until the block ends or a fault; returns the coefficients that had magnitude bits. */
    private static List<Integer> feed(CoefficientDecoder d, BitReader in, int[] last) {
        List<Integer> coefficients = new ArrayList<>();
        int r;
        do {
            if (d.magnitudeLeft() > 0 && (coefficients.isEmpty() || coefficients.getLast() != d.coefficient())) {
                coefficients.add(d.coefficient());
            }
            r = bit(d, in.bit());
        } while (r == CoefficientDecoder.MORE);
        last[0] = r;
        return coefficients;
    }

    @Test
    void decodesDcThenAcSymbolsUntilEob() {
        // DC category 2; AC 0/1 at 1; ZRL (2..17); 3/2 at 21; EOB.
        var d = new CoefficientDecoder(codes(GRAY.tables(), true));
        int[] last = new int[1];
        List<Integer> at = feed(d, block(0x02, 0x01, 0xF0, 0x32, 0x00), last);
        assertEquals(List.of(0, 1, 21), at);
        assertEquals(CoefficientDecoder.BLOCK_END | CoefficientDecoder.MCU_END, last[0], "one block per gray MCU");
    }

    @Test
    void wholeCodeWordsDecodeAsBitsDo() {
        var d = new CoefficientDecoder(codes(GRAY.tables(), false));
        BitReader in = block(0x00, 0x01, 0xF0, 0x32, 0x00);
        List<Integer> flags = new ArrayList<>();
        while (flags.isEmpty() || flags.getLast() == CoefficientDecoder.MORE) {
            int n = d.magnitudeLeft();
            if (n > 0) in.skip(n);
            flags.add(n > 0 ? d.magnitude(n) : d.codeWord(in));
        }
        assertEquals(CoefficientDecoder.BLOCK_END | CoefficientDecoder.MCU_END, flags.getLast());
        assertEquals(7, flags.size(), "DC 0, 0/1 and its bit, ZRL, 3/2 and its bits, EOB");
    }

    @Test
    void onlyCanonicalCodesRefuseAnEobRightAfterAZrl() {
        int[] last = new int[1];
        feed(new CoefficientDecoder(codes(GRAY.tables(), false)), block(0x00, 0xF0, 0x00), last);
        assertEquals(CoefficientDecoder.BLOCK_END | CoefficientDecoder.MCU_END, last[0], "libjpeg reads it");
        feed(new CoefficientDecoder(codes(GRAY.tables(), true)), block(0x00, 0xF0, 0x00), last);
        assertEquals(CoefficientDecoder.BAD_CODE, last[0], "an encoder never writes it");
    }

    @Test
    void canonicalIsWhatAnEncoderWrites() {
        assertTrue(CoefficientDecoder.canonical(11, false, 0, false));
        assertFalse(CoefficientDecoder.canonical(12, false, 0, false), "DC category above 11");
        assertTrue(CoefficientDecoder.canonical(0x00, true, 5, false));
        assertFalse(CoefficientDecoder.canonical(0x00, true, 5, true), "EOB after ZRL");
        assertTrue(CoefficientDecoder.canonical(0xF0, true, 47, false));
        assertFalse(CoefficientDecoder.canonical(0xF0, true, 48, false), "a ZRL leaving no room for a coefficient");
        assertFalse(CoefficientDecoder.canonical(0x10, true, 1, false), "r/0 is undefined");
        assertFalse(CoefficientDecoder.canonical(0x0B, true, 1, false), "AC size above 10");
        assertTrue(CoefficientDecoder.canonical(0xE1, true, 49, false), "run to coefficient 63");
        assertFalse(CoefficientDecoder.canonical(0xF1, true, 49, false), "run past 63");
    }

    @Test
    void lenientCodesNameTheFault() {
        int[] counts = new int[16];
        counts[7] = 255; // every AC symbol but 0xFF, 8 bits each
        int[] symbols = java.util.stream.IntStream.range(0, 255).toArray();
        var tables = new JpegTables(
                GRAY.tables().quantTables(), List.of(GRAY.tables().dc(0), new HuffmanTable(1, 0, counts, symbols)));
        var d = new CoefficientDecoder(codes(tables, false));
        var out = new ByteSink(8);
        var bits = new BitWriter(out);
        bits.put(0b00, 2); // DC category 0
        bits.put(0x0B, 8); // AC size 11
        bits.flush();
        byte[] data = out.toByteArray();
        BitReader in = new BitReader(data, 0, data.length);
        assertEquals(CoefficientDecoder.MORE, d.codeWord(in));
        int fault = d.codeWord(in);
        assertEquals(CoefficientDecoder.AC_SIZE, fault);
        assertEquals("AC size 11 above 10", d.describe(fault));
        d.reset();
        BitReader empty = new BitReader(data, 0, 0);
        assertEquals(CoefficientDecoder.DATA_END, d.codeWord(empty));
        assertEquals("data ends inside a DC code", d.describe(CoefficientDecoder.DATA_END));
    }

    @Test
    void bitsStopWhereAnMcuEnds() {
        var d = new CoefficientDecoder(codes(GRAY.tables(), true));
        // DC category 0 (00), EOB (1010): the MCU ends after 6 bits; the last 2 of the byte are left.
        int r = d.bits(0b00_1010_11, 8);
        assertEquals(6 << 2 | CoefficientDecoder.BLOCK_END | CoefficientDecoder.MCU_END, r);
        assertEquals(2 << 2, d.bits(0b11, 2), "the next MCU's DC code word begins");
    }

    @Test
    void aCopyDecodesOnAlike() {
        var a = new CoefficientDecoder(codes(GRAY.tables(), true));
        BitReader in = block(0x02, 0x01, 0x00);
        for (int i = 0; i < 3; i++) bit(a, in.bit());
        var b = new CoefficientDecoder(codes(GRAY.tables(), true));
        b.copyFrom(a);
        for (int r = CoefficientDecoder.MORE; r == CoefficientDecoder.MORE; ) {
            assertEquals(a.key(), b.key());
            int bit = in.bit();
            r = bit(a, bit);
            assertEquals(r, bit(b, bit));
        }
    }
}
