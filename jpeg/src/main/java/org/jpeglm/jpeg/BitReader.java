package org.jpeglm.jpeg;

/** Reads bits MSB-first from unstuffed entropy-coded bytes [from, to). */
final class BitReader {
    private final byte[] data;
    private final long endBit;
    private long pos;

    BitReader(byte[] data, int from, int to) {
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

    /** The next {@code n} (≤ 16) bits as an unsigned number, or -1 (and none read) if fewer are left. */
    int bits(int n) {
        if (pos + n > endBit) return -1;
        int v = 0;
        for (int i = 0; i < n; i++) v = (v << 1) | bit();
        return v;
    }

    /** The next 16 bits, the first in bit 15, as far as there are any (see {@link #remaining()}); none are read. */
    int peek16() {
        int v = 0;
        for (int i = 0; i < 3; i++) {
            long at = (pos >>> 3) + i;
            v = v << 8 | (at < endBit >>> 3 ? data[(int) at] & 0xFF : 0);
        }
        return v >>> (8 - (int) (pos & 7)) & 0xFFFF;
    }

    /** Skips n bits (at most {@link #remaining()}). */
    void skip(int n) {
        pos += n;
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
