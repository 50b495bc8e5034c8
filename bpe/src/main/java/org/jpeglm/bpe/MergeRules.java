package org.jpeglm.bpe;

import java.util.Arrays;

/**
 * The merge table in the flat form the encoders read: per rank the left, right and result id, and
 * pair → rank lookups. Immutable after construction.
 */
final class MergeRules {
    static final int NONE = -1;

    final int count;
    final int[] left;
    final int[] right;
    final int[] result;
    /** Token id of each byte value; {@link #NONE} for a byte outside the alphabet. */
    final int[] byteToId;
    /** Rank of the merge of two raw bytes, indexed {@code b0 << 8 | b1}; the first scan reads only this. */
    final int[] byteRank = new int[1 << 16];
    /**
     * True when every merge that uses a token comes after every merge that makes it. Then applying
     * a merge only ever creates pairs of higher rank, so ranks can be processed in increasing order
     * (see {@link BucketMergeEngine}); tables made by training always have this property.
     */
    final boolean monotone;

    // Open-addressing table (left << 32 | right) -> rank, for pairs made during merging. Kept small
    // (load <= 1/4) so that it stays in L1/L2 and misses end after about one probe.
    private final long[] keys;
    private final int[] ranks;
    private final int shift;

    MergeRules(int[] left, int[] right, int[] result, int[] byteToId, int vocabSize) {
        this.count = left.length;
        this.left = left;
        this.right = right;
        this.result = result;
        this.byteToId = byteToId;

        int bits = Math.max(4, 64 - Long.numberOfLeadingZeros(Math.max(1, count) * 4L - 1));
        keys = new long[1 << bits];
        ranks = new int[1 << bits];
        shift = 64 - bits;
        Arrays.fill(keys, -1L);
        for (int r = 0; r < count; r++) {
            put(pairKey(left[r], right[r]), r);
        }

        int[] idToByte = new int[vocabSize];
        Arrays.fill(idToByte, NONE);
        for (int b = 0; b < 256; b++) {
            if (byteToId[b] != NONE) {
                idToByte[byteToId[b]] = b;
            }
        }
        Arrays.fill(byteRank, NONE);
        for (int r = 0; r < count; r++) {
            int b0 = idToByte[left[r]];
            int b1 = idToByte[right[r]];
            if (b0 != NONE && b1 != NONE) {
                byteRank[b0 << 8 | b1] = r;
            }
        }
        monotone = isMonotone(left, right, result, vocabSize);
    }

    private static boolean isMonotone(int[] left, int[] right, int[] result, int vocabSize) {
        int[] lastProducer = new int[vocabSize];
        Arrays.fill(lastProducer, NONE);
        for (int r = 0; r < result.length; r++) {
            lastProducer[result[r]] = r;
        }
        for (int r = 0; r < left.length; r++) {
            if (lastProducer[left[r]] >= r || lastProducer[right[r]] >= r) {
                return false;
            }
        }
        return true;
    }

    static long pairKey(int left, int right) {
        return (long) left << 32 | right;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> shift);
    }

    private void put(long key, int rank) {
        int mask = keys.length - 1;
        int i = slot(key);
        while (keys[i] != -1L) {
            if (keys[i] == key) {
                throw new IllegalArgumentException("duplicate merge " + (key >>> 32) + " " + (int) key);
            }
            i = (i + 1) & mask;
        }
        keys[i] = key;
        ranks[i] = rank;
    }

    /** Rank of the merge {@code left right}, or {@link #NONE}. */
    int rank(int left, int right) {
        long key = pairKey(left, right);
        int mask = keys.length - 1;
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == key) {
                return ranks[i];
            }
            if (k == -1L) {
                return NONE;
            }
            i = (i + 1) & mask;
        }
    }
}
