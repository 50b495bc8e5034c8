package org.jpeglm.bpe;

/**
 * The symbols of one stream being merged: a doubly linked list over positions. A symbol lives at
 * the position of its first byte; merging keeps the left position and kills the right one
 * ({@code sym == DEAD}), so positions never move and queue entries can refer to them.
 */
final class SymbolChain {
    static final int DEAD = -1;

    int n;
    int[] sym = new int[0];
    int[] next = new int[0];
    int[] prev = new int[0];

    void reset(byte[] bytes, int from, int to, int[] byteToId) {
        n = to - from;
        if (sym.length < n) {
            int cap = Math.max(n, Math.min(2 * sym.length, MergeEngine.RETAINED_SCRATCH_BYTES));
            sym = new int[cap];
            next = new int[cap];
            prev = new int[cap];
        }
        int[] s = sym;
        int[] nx = next;
        int[] pv = prev;
        for (int i = 0; i < n; i++) {
            s[i] = byteToId[bytes[from + i] & 0xFF];
            nx[i] = i + 1;
            pv[i] = i - 1;
        }
    }

    /**
     * Merges the symbol at q (p's successor) into p's, which becomes result, and unlinks q.
     *
     * @return the position after the merged symbol ({@code n} at the end)
     */
    int merge(int p, int q, int result) {
        int after = next[q];
        sym[p] = result;
        sym[q] = DEAD;
        next[p] = after;
        if (after < n) {
            prev[after] = p;
        }
        return after;
    }

    /** The surviving symbols in order, between the optional prefix and suffix ids. */
    int[] toIds(int prefixId, int suffixId) {
        int count = 0;
        for (int p = 0; p < n; p = next[p]) {
            count++;
        }
        int extra = (prefixId >= 0 ? 1 : 0) + (suffixId >= 0 ? 1 : 0);
        int[] out = new int[count + extra];
        int k = 0;
        if (prefixId >= 0) {
            out[k++] = prefixId;
        }
        for (int p = 0; p < n; p = next[p]) {
            out[k++] = sym[p];
        }
        if (suffixId >= 0) {
            out[k] = suffixId;
        }
        return out;
    }
}
