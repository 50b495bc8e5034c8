package org.jpeglm.bpe;

import java.util.Arrays;

/** A byte array compared by content, for hash-map keys. The array must not change afterwards. */
record ByteKey(byte[] bytes) {
    static ByteKey concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return new ByteKey(out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
