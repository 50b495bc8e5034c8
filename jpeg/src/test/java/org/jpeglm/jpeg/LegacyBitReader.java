package org.jpeglm.jpeg;

/**
 * <b>Test oracle</b>: {@code BitReader} as it was before one walker and one decoder replaced the scanners (commit
 * ae8bfbd), kept to check that the new code accepts, refuses and repairs exactly as before
 * ({@link ScanOracleProperties}). Do not use elsewhere.
 *
 * <p>Reads bits MSB-first from unstuffed entropy-coded bytes [from, to). */
final class LegacyBitReader {
    private final byte[] data;
    private final long endBit;
    private long pos;

    LegacyBitReader(byte[] data, int from, int to) {
        this.data = data;
        this.pos = (long) from * 8;
        this.endBit = (long) to * 8;
    }

    /** The next bit, or -1 past the end. */
    int bit() {
        if (pos >= endBit) return -1;
        int b = (data[(int) (pos >>> 3)] >> (7 - (int) (pos & 7))) & 1;
        pos++;
        return b;
    }

    /** The next {@code n} (≤ 16) bits as an unsigned number, or -1 if fewer are left. */
    int bits(int n) {
        if (pos + n > endBit) return -1;
        int v = 0;
        for (int i = 0; i < n; i++) v = (v << 1) | bit();
        return v;
    }

    long remaining() {
        return endBit - pos;
    }

    /** Whether all remaining bits are 1 (the padding libjpeg writes at the end of an interval). */
    boolean restIsOnes() {
        while (pos < endBit) if (bit() == 0) return false;
        return true;
    }
}
