package org.jpeglm.bpe;

import java.util.Arrays;

/** A growable open-addressing map from non-negative long keys to int values, without boxing. */
final class LongIntMap {
    static final int MISSING = -1;
    private static final long EMPTY = -1L;

    private long[] keys;
    private int[] values;
    private int size;
    private int shift;

    LongIntMap(int expected) {
        int bits = Math.max(4, 64 - Long.numberOfLeadingZeros(Math.max(1, expected) * 2L - 1));
        allocate(bits);
    }

    private void allocate(int bits) {
        keys = new long[1 << bits];
        values = new int[1 << bits];
        Arrays.fill(keys, EMPTY);
        shift = 64 - bits;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    int get(long key) {
        int mask = keys.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                return values[i];
            }
            if (keys[i] == EMPTY) {
                return MISSING;
            }
        }
    }

    void put(long key, int value) {
        if (2 * (size + 1) > keys.length) {
            long[] oldKeys = keys;
            int[] oldValues = values;
            allocate(65 - shift);
            size = 0;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != EMPTY) {
                    put(oldKeys[i], oldValues[i]);
                }
            }
        }
        int mask = keys.length - 1;
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
        }
    }

    int size() {
        return size;
    }
}
