package org.jpeglm.jpeg;

import java.util.Arrays;

/** A growable byte array (ByteArrayOutputStream without synchronization or IOException). */
final class ByteSink {
    private byte[] buf;
    private int size;

    ByteSink(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    void write(int b) {
        if (size == buf.length) buf = Arrays.copyOf(buf, buf.length * 2);
        buf[size++] = (byte) b;
    }

    void write(byte[] src) {
        write(src, 0, src.length);
    }

    void write(byte[] src, int from, int to) {
        int n = to - from;
        if (size + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
        System.arraycopy(src, from, buf, size, n);
        size += n;
    }

    void write16(int v) {
        write(v >> 8);
        write(v);
    }

    int size() {
        return size;
    }

    byte get(int i) {
        return buf[i];
    }

    /** Whether bytes [from, to) of this sink equal {@code other[otherFrom, ...)}. */
    boolean rangeEquals(int from, int to, byte[] other, int otherFrom, int otherTo) {
        return Arrays.equals(buf, from, to, other, otherFrom, otherTo);
    }

    void truncate(int newSize) {
        size = newSize;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
