package org.jpeglm.jpeg;

/** Writes bits MSB-first into entropy-coded bytes, stuffing a 0x00 after every 0xFF. */
final class BitWriter {
    private final ByteSink out;
    private long acc;
    private int count;

    BitWriter(ByteSink out) {
        this.out = out;
    }

    void put(int bits, int size) {
        acc = (acc << size) | (bits & ((1L << size) - 1));
        count += size;
        while (count >= 8) {
            int b = (int) (acc >>> (count - 8)) & 0xFF;
            out.write(b);
            if (b == 0xFF) out.write(0);
            count -= 8;
        }
        acc &= (1L << count) - 1;
    }

    /** Pads the last byte with 1 bits, as libjpeg does before a marker. */
    void flush() {
        if (count > 0) put((1 << (8 - count)) - 1, 8 - count);
    }
}
