package org.jpeglm.jpeg;

import java.util.Arrays;

/**
 * <b>Test oracle</b>: {@code ScanTranscoder} as it was before one walker and one decoder replaced the scanners (commit
 * ae8bfbd), kept to check that the new code accepts, refuses and repairs exactly as before
 * ({@link ScanOracleProperties}). Do not use elsewhere.
 *
 * <p>Huffman-decodes one restart interval and re-encodes it canonically, completing what is missing.
 *
 * <p>A well-formed interval comes out bit-identical. A malformed one (bad code, coefficient index past 63,
 * data ending mid-MCU, surplus data) keeps every coefficient decoded before the fault; the rest of the
 * faulty block is zero, the rest of its MCU and any later MCUs of the interval are neutral: DC difference 0
 * and an immediate EOB, so they repeat the previous block's DC (mid-gray at the start of an interval).
 */
final class LegacyScanTranscoder {

    /** What became of one interval's MCUs. */
    record Outcome(int kept, int repaired, int padded, boolean surplus, String fault) {}

    private final int[] blockComponent; // component index of each block in an MCU
    private final LegacyHuffmanCode[] dcCodes; // per component
    private final LegacyHuffmanCode[] acCodes;
    private final int components;
    private final int[] pred;
    private final int[] zz = new int[64];

    LegacyScanTranscoder(Frame frame, ScanHeader scan, JpegTables tables) {
        components = frame.components().size();
        dcCodes = new LegacyHuffmanCode[components];
        acCodes = new LegacyHuffmanCode[components];
        pred = new int[components];
        blockComponent = new int[frame.blocksPerMcu()];
        int b = 0;
        for (int c = 0; c < components; c++) {
            Frame.Component fc = frame.components().get(c);
            ScanHeader.Component sc = scan.components().get(c);
            HuffmanTable dc = tables.dc(sc.dc()), ac = tables.ac(sc.ac());
            if (dc == null || ac == null)
                throw new IllegalArgumentException("missing Huffman table for component " + fc.id());
            dcCodes[c] = new LegacyHuffmanCode(dc);
            acCodes[c] = new LegacyHuffmanCode(ac);
            if (!dcCodes[c].has(0) || !acCodes[c].has(0x00) || !acCodes[c].has(0xF0))
                throw new IllegalArgumentException("Huffman tables lack DC category 0, EOB or ZRL");
            int blocks = components == 1 ? 1 : fc.h() * fc.v();
            for (int i = 0; i < blocks; i++) blockComponent[b++] = c;
        }
    }

    /**
     * Decodes {@code mcus} MCUs from unstuffed bytes [from, to) and writes them, re-encoded and padded to a
     * byte boundary, to {@code out}.
     */
    Outcome transcode(byte[] data, int from, int to, int mcus, BitWriter out) {
        Arrays.fill(pred, 0);
        var in = new LegacyBitReader(data, from, to);
        int kept = 0, repaired = 0;
        String fault = null;
        while (kept < mcus) {
            // Fewer than 8 one-bits left is libjpeg's end-of-interval padding, never a whole MCU: the rest is missing.
            if (in.remaining() < 8 && onesFrom(data, to, in.remaining())) {
                fault = "interval holds " + kept + " of " + mcus + " MCUs";
                break;
            }
            for (int c : blockComponent) {
                if (fault != null) {
                    writeBlock(out, c, 0, false);
                    continue;
                }
                fault = decodeBlock(in, c);
                writeBlock(out, c, zz[0], true);
            }
            if (fault != null) {
                repaired = 1;
                break;
            }
            kept++;
        }
        int padded = mcus - kept - repaired;
        for (int m = 0; m < padded; m++) writeNeutralMcu(out);
        boolean surplus = fault == null && in.remaining() >= 8;
        if (surplus) fault = "surplus data after the interval's last MCU";
        else if (fault == null && !in.restIsOnes()) fault = "padding bits are not all ones";
        out.flush();
        return new Outcome(kept, repaired, padded, surplus, fault);
    }

    /** Writes {@code mcus} neutral MCUs as a fresh interval, padded to a byte boundary. */
    void neutral(int mcus, BitWriter out) {
        Arrays.fill(pred, 0);
        for (int m = 0; m < mcus; m++) writeNeutralMcu(out);
        out.flush();
    }

    private void writeNeutralMcu(BitWriter out) {
        for (int c : blockComponent) writeBlock(out, c, 0, false);
    }

    private static boolean onesFrom(byte[] data, int to, long bits) {
        for (long i = 0; i < bits; i++) {
            long pos = (long) to * 8 - 1 - i;
            if (((data[(int) (pos >>> 3)] >> (7 - (int) (pos & 7))) & 1) == 0) return false;
        }
        return true;
    }

    /** Decodes one block into zz (zz[0] = DC difference); returns null or what went wrong. */
    private String decodeBlock(LegacyBitReader in, int c) {
        Arrays.fill(zz, 0);
        int s = dcCodes[c].decode(in);
        if (s < 0) return codeFault(s, "a DC");
        if (s > 11) return "DC category " + s + " above 11";
        if (s > 0) {
            int v = in.bits(s);
            if (v < 0) return "data ends inside a DC value";
            zz[0] = extend(v, s);
        }
        for (int k = 1; k < 64; ) {
            int rs = acCodes[c].decode(in);
            if (rs < 0) return codeFault(rs, "an AC");
            int run = rs >> 4, size = rs & 15;
            if (size == 0) {
                if (run != 15) return null; // EOB
                if (k + 16 > 64) return "zero run past coefficient 63";
                k += 16;
                continue;
            }
            if (size > 10) return "AC size " + size + " above 10";
            k += run;
            if (k > 63) return "coefficient index " + k + " past 63";
            int v = in.bits(size);
            if (v < 0) return "data ends inside an AC value";
            zz[k++] = extend(v, size);
        }
        return null;
    }

    private static String codeFault(int status, String what) {
        return status == LegacyHuffmanCode.NO_DATA
                ? "data ends inside " + what + " code"
                : "invalid " + what + " Huffman code";
    }

    /** Encodes DC difference {@code diff} and, if {@code withAc}, zz[1..63]; otherwise an immediate EOB. */
    private void writeBlock(BitWriter out, int c, int diff, boolean withAc) {
        int cat = magnitudeBits(diff);
        dcCodes[c].encode(out, cat);
        if (cat > 0) out.put(diff < 0 ? diff - 1 : diff, cat);
        pred[c] += diff;
        if (!withAc) {
            acCodes[c].encode(out, 0x00);
            return;
        }
        int run = 0;
        for (int k = 1; k < 64; k++) {
            int v = zz[k];
            if (v == 0) {
                run++;
                continue;
            }
            for (; run > 15; run -= 16) acCodes[c].encode(out, 0xF0);
            int size = magnitudeBits(v);
            acCodes[c].encode(out, (run << 4) | size);
            out.put(v < 0 ? v - 1 : v, size);
            run = 0;
        }
        if (run > 0) acCodes[c].encode(out, 0x00);
    }

    private static int extend(int v, int s) {
        return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
    }

    private static int magnitudeBits(int v) {
        return 32 - Integer.numberOfLeadingZeros(Math.abs(v));
    }
}
