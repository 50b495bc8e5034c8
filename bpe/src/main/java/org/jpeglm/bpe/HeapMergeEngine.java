package org.jpeglm.bpe;

/**
 * The general engine, for any merge table: HF's algorithm. A min-heap of (rank, position) holds
 * every adjacent pair that has a merge; the smallest is applied if still current, and the pairs it
 * forms with its neighbours are pushed. O(n log n).
 */
final class HeapMergeEngine implements MergeEngine {
    private final MergeRules rules;
    private final ThreadLocal<Scratch> local = ThreadLocal.withInitial(Scratch::new);

    HeapMergeEngine(MergeRules rules) {
        this.rules = rules;
    }

    /** Per-thread working memory: the symbol chain and a binary min-heap of {@code rank << 32 | pos}. */
    static final class Scratch {
        final SymbolChain chain = new SymbolChain();
        long[] heap = new long[0];
        int size;

        void prepare(int n) {
            int need = Math.max(3 * n, 4);
            if (heap.length < need) {
                heap = new long[need];
            }
            size = 0;
        }

        void push(int rank, int pos) {
            long key = (long) rank << 32 | pos;
            long[] h = heap;
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (h[parent] <= key) {
                    break;
                }
                h[i] = h[parent];
                i = parent;
            }
            h[i] = key;
        }

        long pop() {
            long[] h = heap;
            long top = h[0];
            long last = h[--size];
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                if (child + 1 < size && h[child + 1] < h[child]) {
                    child++;
                }
                if (last <= h[child]) {
                    break;
                }
                h[i] = h[child];
                i = child;
            }
            h[i] = last;
            return top;
        }
    }

    @Override
    public int[] encode(byte[] bytes, int from, int to, int prefixId, int suffixId) {
        int n = to - from;
        Scratch s = n <= RETAINED_SCRATCH_BYTES ? local.get() : new Scratch();
        SymbolChain chain = s.chain;
        chain.reset(bytes, from, to, rules.byteToId);
        s.prepare(n);

        int[] byteRank = rules.byteRank;
        for (int i = 0; i + 1 < n; i++) {
            int r = byteRank[(bytes[from + i] & 0xFF) << 8 | (bytes[from + i + 1] & 0xFF)];
            if (r >= 0) {
                s.push(r, i);
            }
        }

        int[] sym = chain.sym;
        int[] next = chain.next;
        int[] prev = chain.prev;
        while (s.size > 0) {
            long key = s.pop();
            int rank = (int) (key >>> 32);
            int p = (int) key;
            int result = rules.result[rank];
            // Stale entries: the symbol died or changed since the push. Comparing both ids is the
            // same test as HF's "does the current pair still map to this new id", because a pair at
            // a position only ever changes by growing, so it cannot spell the same bytes again.
            if (sym[p] != rules.left[rank]) {
                continue;
            }
            int q = next[p];
            if (q >= n || sym[q] != rules.right[rank]) {
                continue;
            }
            int after = chain.merge(p, q, result);
            int before = prev[p];
            if (before >= 0) {
                int r = rules.rank(sym[before], result);
                if (r >= 0) {
                    s.push(r, before);
                }
            }
            if (after < n) {
                int r = rules.rank(result, sym[after]);
                if (r >= 0) {
                    s.push(r, p);
                }
            }
        }
        return chain.toIds(prefixId, suffixId);
    }
}
