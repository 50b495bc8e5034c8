package org.jpeglm.bpe;

import java.util.Arrays;

/**
 * The fast engine, for monotone tables ({@link MergeRules#monotone}): one bucket of candidate
 * positions per rank, processed in increasing rank. Since a merge of rank r only creates pairs of
 * rank &gt; r, a bucket is complete when its turn comes, and the result equals the priority-queue
 * algorithm without any heap. Within a bucket the order only matters for pairs {@code (x, x)}, whose
 * occurrences can overlap ({@code x x x}); those buckets are sorted so the leftmost merges first.
 * Other occurrences of one pair cannot share a symbol, so they commute. Cost: one table look-up per
 * byte, then O(1) per merge plus two look-ups; no allocation besides the result.
 */
final class BucketMergeEngine implements MergeEngine {
    private final MergeRules rules;
    private final ThreadLocal<Scratch> local;

    BucketMergeEngine(MergeRules rules) {
        this.rules = rules;
        this.local = ThreadLocal.withInitial(() -> new Scratch(rules.count));
    }

    /** Per-thread working memory: the symbol chain and the rank buckets (singly linked lists). */
    static final class Scratch {
        final SymbolChain chain = new SymbolChain();
        /** First and last entry of each rank's bucket; head == -1 when empty. */
        final int[] head;

        final int[] tail;
        /** One bit per rank with a non-empty bucket, to skip empty ranks quickly. */
        final long[] pending;

        int[] entryPos = new int[0];
        int[] entryNext = new int[0];
        int[] sortBuf = new int[0];
        int entries;

        Scratch(int ranks) {
            head = new int[ranks];
            tail = new int[ranks];
            Arrays.fill(head, -1);
            pending = new long[(ranks + 63) >>> 6];
        }

        void prepare(int n) {
            // At most n-1 first pairs plus 2 per merge, and at most n-1 merges.
            int need = Math.max(3 * n, 4);
            if (entryPos.length < need) {
                entryPos = new int[need];
                entryNext = new int[need];
            }
            entries = 0;
        }

        void push(int rank, int pos) {
            int e = entries++;
            entryPos[e] = pos;
            entryNext[e] = -1;
            if (head[rank] < 0) {
                head[rank] = e;
                pending[rank >>> 6] |= 1L << rank;
            } else {
                entryNext[tail[rank]] = e;
            }
            tail[rank] = e;
        }

        /** Smallest rank &gt;= from with a non-empty bucket, or -1. */
        int nextPending(int from) {
            int w = from >>> 6;
            if (w >= pending.length) {
                return -1;
            }
            long bits = pending[w] & (-1L << from);
            while (true) {
                if (bits != 0) {
                    return (w << 6) + Long.numberOfTrailingZeros(bits);
                }
                if (++w == pending.length) {
                    return -1;
                }
                bits = pending[w];
            }
        }

        /** Empties the bucket of {@code rank} and returns its positions in increasing order. */
        int takeSorted(int rank) {
            int k = 0;
            for (int e = head[rank]; e >= 0; e = entryNext[e]) {
                if (k == sortBuf.length) {
                    sortBuf = Arrays.copyOf(sortBuf, Math.max(16, 2 * k));
                }
                sortBuf[k++] = entryPos[e];
            }
            for (int i = 1; i < k; i++) {
                if (sortBuf[i - 1] > sortBuf[i]) {
                    Arrays.sort(sortBuf, 0, k);
                    break;
                }
            }
            return k;
        }

        void clear(int rank) {
            head[rank] = -1;
            pending[rank >>> 6] &= ~(1L << rank);
        }
    }

    private Scratch scratch(int n) {
        return n <= RETAINED_SCRATCH_BYTES ? local.get() : new Scratch(rules.count);
    }

    @Override
    public int[] encode(byte[] bytes, int from, int to, int prefixId, int suffixId) {
        int n = to - from;
        Scratch s = scratch(n);
        SymbolChain chain = s.chain;
        chain.reset(bytes, from, to, rules.byteToId);
        s.prepare(n);

        int[] byteRank = rules.byteRank;
        if (n >= 2) {
            int b0 = bytes[from] & 0xFF;
            for (int i = 0; i + 1 < n; i++) {
                int b1 = bytes[from + i + 1] & 0xFF;
                int r = byteRank[b0 << 8 | b1];
                if (r >= 0) {
                    s.push(r, i);
                }
                b0 = b1;
            }
        }

        int[] sym = chain.sym;
        int[] next = chain.next;
        int[] prev = chain.prev;
        int[] entryPos = s.entryPos;
        int[] entryNext = s.entryNext;
        for (int r = s.nextPending(0); r >= 0; r = s.nextPending(r + 1)) {
            int left = rules.left[r];
            int right = rules.right[r];
            int result = rules.result[r];
            if (left == right) {
                int k = s.takeSorted(r);
                s.clear(r);
                int[] sorted = s.sortBuf;
                for (int i = 0; i < k; i++) {
                    mergeAt(s, sorted[i], left, right, result, n, sym, next, prev);
                }
            } else {
                int e = s.head[r];
                s.clear(r);
                for (; e >= 0; e = entryNext[e]) {
                    mergeAt(s, entryPos[e], left, right, result, n, sym, next, prev);
                }
            }
        }
        return chain.toIds(prefixId, suffixId);
    }

    /** Merges the symbol at {@code p} with its successor if they still are {@code left right}. */
    private void mergeAt(Scratch s, int p, int left, int right, int result, int n, int[] sym, int[] next, int[] prev) {
        if (sym[p] != left) {
            return; // dead, or already merged into something else
        }
        int q = next[p];
        if (q >= n || sym[q] != right) {
            return;
        }
        int after = s.chain.merge(p, q, result);
        if (after < n) {
            int r = rules.rank(result, sym[after]);
            if (r >= 0) {
                s.push(r, p);
            }
        }
        int before = prev[p];
        if (before >= 0) {
            int r = rules.rank(sym[before], result);
            if (r >= 0) {
                s.push(r, before);
            }
        }
    }
}
