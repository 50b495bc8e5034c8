package org.jpeglm.jpeg;

import java.util.Arrays;

/**
 * Huffman-decodes one restart interval and re-encodes it canonically, completing what is missing.
 *
 * <p>A well-formed interval comes out bit-identical. A malformed one (bad code, coefficient index past 63,
 * data ending mid-MCU, surplus data) keeps every coefficient decoded before the fault; the rest of the
 * faulty block is zero, the rest of its MCU and any later MCUs of the interval are neutral: DC difference 0
 * and an immediate EOB, so they repeat the previous block's DC (mid-gray at the start of an interval).
 */
final class ScanTranscoder {

    /** What became of one interval's MCUs. */
    record Outcome(int kept, int repaired, int padded, boolean surplus, String fault) {}

    private final ScanCodes codes;
    private final CoefficientDecoder decoder;
    private final int[] zz = new int[64];

    /** A transcoder of intervals coded with codes (lenient ones: it decodes what libjpeg decodes). */
    ScanTranscoder(ScanCodes codes) {
        this.codes = codes;
        decoder = new CoefficientDecoder(codes);
        for (int b = 0; b < codes.blocks(); b++) {
            if (!codes.dc(b).has(0) || !codes.ac(b).has(0x00) || !codes.ac(b).has(0xF0))
                throw new IllegalArgumentException("Huffman tables lack DC category 0, EOB or ZRL");
        }
    }

    /**
     * Decodes {@code mcus} MCUs from unstuffed bytes [from, to) and writes them, re-encoded and padded to a
     * byte boundary, to {@code out}.
     */
    Outcome transcode(byte[] data, int from, int to, int mcus, BitWriter out) {
        decoder.reset();
        var in = new BitReader(data, from, to);
        int kept = 0, repaired = 0;
        String fault = null;
        while (kept < mcus) {
            // Fewer than 8 one-bits left is libjpeg's end-of-interval padding, never a whole MCU: the rest is missing.
            if (in.remaining() < 8 && onesFrom(data, to, in.remaining())) {
                fault = "interval holds " + kept + " of " + mcus + " MCUs";
                break;
            }
            for (int b = 0; b < codes.blocks(); b++) {
                if (fault != null) {
                    writeBlock(out, b, 0, false);
                    continue;
                }
                fault = decodeBlock(in);
                writeBlock(out, b, zz[0], true);
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
        for (int m = 0; m < mcus; m++) writeNeutralMcu(out);
        out.flush();
    }

    private void writeNeutralMcu(BitWriter out) {
        for (int b = 0; b < codes.blocks(); b++) writeBlock(out, b, 0, false);
    }

    private static boolean onesFrom(byte[] data, int to, long bits) {
        for (long i = 0; i < bits; i++) {
            long pos = (long) to * 8 - 1 - i;
            if (((data[(int) (pos >>> 3)] >> (7 - (int) (pos & 7))) & 1) == 0) return false;
        }
        return true;
    }

    /** Decodes one block into zz (zz[0] = DC difference); returns null or what went wrong. */
    private String decodeBlock(BitReader in) {
        Arrays.fill(zz, 0);
        while (true) {
            int n = decoder.magnitudeLeft(), r;
            if (n > 0) {
                int v = in.bits(n);
                if (v < 0) return decoder.describeEnd();
                zz[decoder.coefficient()] = extend(v, n);
                r = decoder.magnitude(n);
            } else {
                r = decoder.codeWord(in);
                if (r < 0) return fault(r, in);
            }
            if ((r & CoefficientDecoder.BLOCK_END) != 0) return null;
        }
    }

    // A decoder reading code words as T.81 F.16 does, libjpeg's way, takes 16 bits to call one invalid: with
    // fewer left it reports the data ending, and so does this note.
    private String fault(int fault, BitReader in) {
        if (fault == CoefficientDecoder.BAD_CODE && in.remaining() < 16 - decoder.codeBits())
            return decoder.describeEnd();
        return decoder.describe(fault);
    }

    /** Encodes block b: DC difference {@code diff} and, if {@code withAc}, zz[1..63]; otherwise an immediate EOB. */
    private void writeBlock(BitWriter out, int b, int diff, boolean withAc) {
        HuffmanCode dc = codes.dc(b), ac = codes.ac(b);
        int cat = magnitudeBits(diff);
        dc.encode(out, cat);
        if (cat > 0) out.put(diff < 0 ? diff - 1 : diff, cat);
        if (!withAc) {
            ac.encode(out, 0x00);
            return;
        }
        int run = 0;
        for (int k = 1; k < 64; k++) {
            int v = zz[k];
            if (v == 0) {
                run++;
                continue;
            }
            for (; run > 15; run -= 16) ac.encode(out, 0xF0);
            int size = magnitudeBits(v);
            ac.encode(out, (run << 4) | size);
            out.put(v < 0 ? v - 1 : v, size);
            run = 0;
        }
        if (run > 0) ac.encode(out, 0x00);
    }

    /** The coefficient that n magnitude bits v stand for (T.81 F.2.2.1 EXTEND). */
    private static int extend(int v, int n) {
        return v < (1 << (n - 1)) ? v - (1 << n) + 1 : v;
    }

    private static int magnitudeBits(int v) {
        return 32 - Integer.numberOfLeadingZeros(Math.abs(v));
    }
}
