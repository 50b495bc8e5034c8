package org.jpeglm.jpeg;

/**
 * <b>Test oracle</b>: {@code HuffmanCode} as it was before one walker and one decoder replaced the scanners (commit
 * ae8bfbd), kept to check that the new code accepts, refuses and repairs exactly as before
 * ({@link ScanOracleProperties}). Do not use elsewhere.
 *
 * <p>A Huffman table expanded for coding: code words per symbol, and the F.16 decoding arrays. */
final class LegacyHuffmanCode {
    static final int BAD_CODE = -1;
    static final int NO_DATA = -2;

    private final int[] codeOf = new int[256];
    private final int[] sizeOf = new int[256]; // 0: symbol not in the table
    private final int[] maxCode = new int[17]; // per code length; -1 when no code has that length
    private final int[] minCode = new int[17];
    private final int[] firstIndex = new int[17];
    private final int[] symbols;

    LegacyHuffmanCode(HuffmanTable table) {
        symbols = table.symbols();
        int code = 0, k = 0;
        for (int len = 1; len <= 16; len++) {
            int n = table.count(len - 1);
            firstIndex[len] = k;
            minCode[len] = code;
            for (int i = 0; i < n; i++, k++, code++) {
                codeOf[symbols[k]] = code;
                sizeOf[symbols[k]] = len;
            }
            maxCode[len] = n == 0 ? -1 : code - 1;
            code <<= 1;
        }
    }

    boolean has(int symbol) {
        return sizeOf[symbol] != 0;
    }

    void encode(BitWriter out, int symbol) {
        out.put(codeOf[symbol], sizeOf[symbol]);
    }

    /** The next symbol, {@link #BAD_CODE} for a bit pattern no code matches, or {@link #NO_DATA}. */
    int decode(LegacyBitReader in) {
        int code = 0;
        for (int len = 1; len <= 16; len++) {
            int bit = in.bit();
            if (bit < 0) return NO_DATA;
            code = (code << 1) | bit;
            if (code <= maxCode[len]) return symbols[firstIndex[len] + code - minCode[len]];
        }
        return BAD_CODE;
    }
}
