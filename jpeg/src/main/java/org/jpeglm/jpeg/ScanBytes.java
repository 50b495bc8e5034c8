package org.jpeglm.jpeg;

/**
 * The byte layer of a scan's entropy-coded data (T.81 B.1.1.5, F.1.2.3): an encoder writes a stuffed 0x00 after
 * every data byte 0xFF, so any other byte after an 0xFF is a marker code: RSTn between restart intervals, EOI at
 * the end of the scan, or another 0xFF (a fill byte before a marker). Fed one byte at a time, it says what each
 * byte is. It is the one walker of entropy-coded data: {@link JpegParser} (strict, fill bytes allowed),
 * {@link JpegRepair} (lenient: what cannot be a marker is dropped) and {@link JpegSyntax} (canonical: exactly
 * what an encoder writes) feed it every byte after SOS and differ only in what they make of each kind.
 *
 * <p>Mutable; the state is one flag, so it is copied and reset without allocating.
 */
final class ScanBytes {
    /** A data byte other than 0xFF. */
    static final int DATA = 0;
    /** 0xFF: a data byte if 0x00 follows, else the start of a marker. */
    static final int FF = 1;
    /** The 0x00 after an 0xFF: that 0xFF was a data byte. */
    static final int STUFFED = 2;
    /** 0xFF after 0xFF: the earlier one was a fill byte (B.1.1.2), the marker is still to come. */
    static final int FILL = 3;
    /** RST0..RST7 after 0xFF: a restart interval ends. */
    static final int RST = 4;
    /** EOI after 0xFF: the scan (and the image) ends. */
    static final int EOI = 5;
    /** Any other marker code after 0xFF: none belongs inside a scan. */
    static final int MARKER = 6;

    private static final byte[] AFTER_FF = new byte[256]; // what each byte is after an 0xFF

    static {
        java.util.Arrays.fill(AFTER_FF, (byte) MARKER);
        AFTER_FF[0x00] = STUFFED;
        AFTER_FF[0xFF] = FILL;
        for (int m = Markers.RST0; m <= Markers.RST0 + 7; m++) AFTER_FF[m] = RST;
        AFTER_FF[Markers.EOI] = EOI;
    }

    private boolean afterFF;

    /** What byte b (0..255) is, given the bytes before it. */
    int next(int b) {
        int kind = afterFF ? AFTER_FF[b] : b == 0xFF ? FF : DATA;
        afterFF = kind == FF || kind == FILL;
        return kind;
    }

    /**
     * The offset of the first byte in b[from, to) that is not a plain data byte (an 0xFF, or any byte after one),
     * or to: the bytes before it would all be {@link #DATA}, so array walkers skip them at once.
     */
    int dataEnd(byte[] b, int from, int to) {
        if (afterFF) {
            return from;
        }
        int i = from;
        while (i < to && b[i] != (byte) 0xFF) {
            i++;
        }
        return i;
    }

    /** Whether the last byte was an 0xFF whose meaning the next byte decides (data ending here ends inside it). */
    boolean afterFF() {
        return afterFF;
    }

    /** Makes this walker equal to other. */
    void copyFrom(ScanBytes other) {
        afterFF = other.afterFF;
    }
}
