package org.jpeglm.bpe;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic abbreviated baseline-JPEG streams, for tests and benchmarks while no real encoder is at
 * hand: a fixed header (SOI, SOF0 256x256 4:2:0, optional DRI, SOS — no tables, as in Jpeg-LM's
 * abbreviated files), then Huffman-coded 8x8 blocks with random DCT-like statistics (DC differences
 * and run/size AC symbols whose density falls with frequency and varies per stream, i.e. per
 * "image"), 0xFF00 byte stuffing, RST markers when a restart interval is set, and EOI. The Huffman
 * codes are canonical codes with the code-length counts of the standard luminance tables (ITU T.81
 * K.3). Deterministic for a given {@link Random} seed.
 */
public final class JpegLikeStreams {
    private static final int[] DC_LUMA_BITS = {0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0};
    private static final int[] DC_CHROMA_BITS = {0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
    private static final int[] AC_BITS = {0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 125};
    /** The most frequent AC symbols first (as in the standard table); the rest follow in order. */
    private static final int[] AC_FIRST = {
        0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61,
        0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xA1, 0x08, 0x23, 0x42, 0xB1, 0xC1, 0x15, 0x52,
        0xD1, 0xF0, 0x24, 0x33, 0x62, 0x72, 0x82
    };

    private static final HuffmanCode DC_LUMA = HuffmanCode.canonical(DC_LUMA_BITS, sequence(12));
    private static final HuffmanCode DC_CHROMA = HuffmanCode.canonical(DC_CHROMA_BITS, sequence(12));
    private static final HuffmanCode AC = HuffmanCode.canonical(AC_BITS, acSymbols());

    private JpegLikeStreams() {}

    /** {@code count} full-size streams (256 MCUs, about 1-8 KB each) from one seed. */
    public static List<byte[]> generate(long seed, int count) {
        Random rnd = new Random(seed);
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(stream(rnd, 256));
        }
        return out;
    }

    /** One stream of {@code mcus} MCUs (each 4 luma + 2 chroma blocks). */
    public static byte[] stream(Random rnd, int mcus) {
        double detail = 0.3 + 3.5 * rnd.nextDouble() * rnd.nextDouble();
        int restartInterval = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(16) : 0;
        ByteArrayOutputStream out = new ByteArrayOutputStream(mcus * 24 + 64);
        writeHeader(out, restartInterval);
        BitWriter bits = new BitWriter(out);
        for (int m = 0; m < mcus; m++) {
            if (restartInterval > 0 && m > 0 && m % restartInterval == 0) {
                bits.flushWithOnes();
                out.write(0xFF);
                out.write(0xD0 + (m / restartInterval - 1) % 8);
            }
            for (int b = 0; b < 6; b++) {
                boolean luma = b < 4;
                block(rnd, bits, luma ? DC_LUMA : DC_CHROMA, luma ? detail : detail / 4, luma ? 2.5 : 1.2);
            }
        }
        bits.flushWithOnes();
        out.write(0xFF);
        out.write(0xD9);
        return out.toByteArray();
    }

    private static void writeHeader(ByteArrayOutputStream out, int restartInterval) {
        int[] soiSof = {
            0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0x00, 0x01, 0x00, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01,
            0x03, 0x11, 0x01
        };
        for (int b : soiSof) {
            out.write(b);
        }
        if (restartInterval > 0) {
            for (int b : new int[] {0xFF, 0xDD, 0x00, 0x04, 0x00, restartInterval}) {
                out.write(b);
            }
        }
        int[] sos = {0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00};
        for (int b : sos) {
            out.write(b);
        }
    }

    /** One block: a DC difference, then AC coefficients whose density falls with zigzag index. */
    private static void block(Random rnd, BitWriter bits, HuffmanCode dc, double detail, double dcScale) {
        int diff = laplace(rnd, dcScale * (1 + detail));
        writeValue(bits, dc, 0, diff);
        int run = 0;
        int last = 0;
        for (int k = 1; k < 64; k++) {
            double p = Math.min(0.95, detail * 0.45 * Math.exp(-k / (2.0 + 5 * detail)));
            if (rnd.nextDouble() >= p) {
                run++;
                continue;
            }
            int v = laplace(rnd, 0.6 + detail * Math.exp(-k / 12.0));
            if (v == 0) {
                v = rnd.nextBoolean() ? 1 : -1;
            }
            while (run > 15) {
                bits.write(AC.code[0xF0], AC.length[0xF0]);
                run -= 16;
            }
            writeValue(bits, AC, run << 4, v);
            run = 0;
            last = k;
        }
        if (last < 63) {
            bits.write(AC.code[0x00], AC.length[0x00]); // EOB
        }
    }

    /** Huffman symbol {@code high | size} then {@code size} magnitude bits, JPEG style. */
    private static void writeValue(BitWriter bits, HuffmanCode code, int high, int v) {
        int size = v == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(Math.abs(v));
        size = Math.min(size, code == AC ? 10 : 11);
        int symbol = high | size;
        bits.write(code.code[symbol], code.length[symbol]);
        if (size > 0) {
            int magnitude = v > 0 ? v : v - 1;
            bits.write(magnitude & ((1 << size) - 1), size);
        }
    }

    private static int laplace(Random rnd, double scale) {
        double u = rnd.nextDouble() - 0.5;
        return (int) Math.round(-scale * Math.signum(u) * Math.log(1 - 2 * Math.abs(u)));
    }

    private static int[] sequence(int n) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = i;
        }
        return s;
    }

    private static int[] acSymbols() {
        List<Integer> symbols = new ArrayList<>();
        for (int s : AC_FIRST) {
            symbols.add(s);
        }
        for (int run = 0; run < 16; run++) {
            for (int size = 1; size <= 10; size++) {
                if (!symbols.contains(run << 4 | size)) {
                    symbols.add(run << 4 | size);
                }
            }
        }
        return symbols.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A canonical prefix code from code-length counts (T.81 Annex C). */
    private record HuffmanCode(int[] code, int[] length) {
        static HuffmanCode canonical(int[] bitsPerLength, int[] symbols) {
            int[] code = new int[256];
            int[] length = new int[256];
            int next = 0;
            int k = 0;
            for (int len = 1; len <= 16; len++) {
                for (int i = 0; i < bitsPerLength[len - 1]; i++) {
                    code[symbols[k]] = next++;
                    length[symbols[k]] = len;
                    k++;
                }
                next <<= 1;
            }
            return new HuffmanCode(code, length);
        }
    }

    /** MSB-first bit packing with 0xFF00 stuffing. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out;
        private int acc;
        private int count;

        BitWriter(ByteArrayOutputStream out) {
            this.out = out;
        }

        void write(int value, int n) {
            for (int i = n - 1; i >= 0; i--) {
                acc = acc << 1 | (value >>> i & 1);
                if (++count == 8) {
                    emit();
                }
            }
        }

        private void emit() {
            out.write(acc);
            if (acc == 0xFF) {
                out.write(0x00);
            }
            acc = 0;
            count = 0;
        }

        void flushWithOnes() {
            while (count != 0) {
                write(1, 1);
            }
        }
    }
}
