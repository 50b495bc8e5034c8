package org.jpeglm.bpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training run of {@link BpeTrainer}. All distinct streams lie back to back in flat arrays as
 * linked lists of symbols (like {@link SymbolChain}, with -1 at each stream's ends); every pair keeps
 * its count and the positions where it was seen. A merge visits only its own positions, checks each
 * is still current, and moves counts by the neighbour pairs it destroys and creates; a lazy max-heap
 * picks the next pair.
 */
final class MergeLearner {
    private static final int DEAD = -1;

    // The corpus.
    private final int[] sym;
    private final int[] next;
    private final int[] prev;
    private final int[] wordStart;
    private final long[] wordWeight;
    private final boolean unitWeights;
    /** The alphabet's size K: merged tokens are numbered from 256 here and from K in the tokenizer. */
    private final int alphabet;

    // Tokens in the default layout.
    private final List<byte[]> tokenBytes = new ArrayList<>();
    private final Map<ByteKey, Integer> tokenIds = new HashMap<>();

    // Pairs: ids 0..65535 are the byte pairs (left << 8 | right); later ones come from pairIds.
    private final LongIntMap pairIds = new LongIntMap(1 << 12);
    private int pairCount;
    private int[] pairLeft = new int[1 << 17];
    private int[] pairRight = new int[1 << 17];
    private long[] count = new long[1 << 17];
    private int[][] positions = new int[1 << 17][];
    private int[] positionCount = new int[1 << 17];
    private boolean[] merged = new boolean[1 << 17];
    private int[] touchedStamp = new int[1 << 17];

    private final PairHeap heap = new PairHeap();
    private int[] touched = new int[64];
    private int touchedCount;
    private int epoch;

    MergeLearner(Iterable<byte[]> streams, int alphabet) {
        this.alphabet = alphabet;
        // Identical streams become one word with a weight, as HF counts words. Empty streams hold no
        // pair and are left out: weightAt finds a position's word by binary search over wordStart,
        // which must therefore be strictly increasing (an empty word would share its start with the
        // next word and could lend it its weight).
        Map<ByteKey, long[]> distinct = new LinkedHashMap<>();
        long total = 0;
        int index = 0;
        for (byte[] s : streams) {
            if (alphabet < 256) {
                requireAlphabet(s, index);
            }
            index++;
            if (s.length == 0) {
                continue;
            }
            long[] w = distinct.computeIfAbsent(new ByteKey(s.clone()), k -> new long[1]);
            if (w[0]++ == 0) {
                total += s.length;
            }
        }
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("corpus too large: " + total + " distinct bytes");
        }
        int n = (int) total;
        sym = new int[n];
        next = new int[n];
        prev = new int[n];
        wordStart = new int[distinct.size()];
        wordWeight = new long[distinct.size()];
        boolean allOne = true;
        int at = 0;
        int word = 0;
        for (Map.Entry<ByteKey, long[]> e : distinct.entrySet()) {
            byte[] bytes = e.getKey().bytes();
            wordStart[word] = at;
            wordWeight[word] = e.getValue()[0];
            allOne &= wordWeight[word] == 1;
            for (int i = 0; i < bytes.length; i++) {
                sym[at + i] = bytes[i] & 0xFF;
                next[at + i] = i + 1 < bytes.length ? at + i + 1 : -1;
                prev[at + i] = i > 0 ? at + i - 1 : -1;
            }
            at += bytes.length;
            word++;
        }
        unitWeights = allOne;

        for (int b = 0; b < 256; b++) {
            byte[] one = {(byte) b};
            tokenBytes.add(one);
            tokenIds.put(new ByteKey(one), b);
        }
        countBytePairs();
    }

    private void requireAlphabet(byte[] stream, int index) {
        for (int i = 0; i < stream.length; i++) {
            if ((stream[i] & 0xFF) >= alphabet) {
                throw new IllegalArgumentException("stream " + index + " holds byte " + (stream[i] & 0xFF) + " at " + i
                        + ", outside the alphabet of bytes 0.." + (alphabet - 1));
            }
        }
    }

    private void countBytePairs() {
        pairCount = 1 << 16;
        for (int id = 0; id < pairCount; id++) {
            pairLeft[id] = id >>> 8;
            pairRight[id] = id & 0xFF;
        }
        int[] seen = new int[1 << 16];
        for (int p = 0; p < sym.length; p++) {
            if (next[p] >= 0) {
                int id = sym[p] << 8 | sym[next[p]];
                seen[id]++;
                count[id] += weightAt(p);
            }
        }
        for (int id = 0; id < seen.length; id++) {
            if (seen[id] > 0) {
                positions[id] = new int[seen[id]];
            }
        }
        for (int p = 0; p < sym.length; p++) {
            if (next[p] >= 0) {
                int id = sym[p] << 8 | sym[next[p]];
                positions[id][positionCount[id]++] = p;
            }
        }
        for (int id = 0; id < pairCount; id++) {
            if (count[id] > 0) {
                heap.push(id);
            }
        }
    }

    List<TokenPair> learn(int mergeLimit, long minCount) {
        List<TokenPair> merges = new ArrayList<>(mergeLimit);
        while (merges.size() < mergeLimit) {
            int best = popBest();
            if (best < 0 || count[best] < minCount) {
                break;
            }
            merges.add(new TokenPair(layoutId(pairLeft[best]), layoutId(pairRight[best])));
            apply(best);
        }
        return merges;
    }

    /** A token's id in the tokenizer's layout, where merged tokens follow the alphabet's K bytes. */
    private int layoutId(int id) {
        return id < 256 ? id : id - 256 + alphabet;
    }

    /** The pair with the highest count (smallest pair in HF's order on ties), or -1 if none is left. */
    private int popBest() {
        while (heap.size > 0) {
            long seenCount = heap.topCount();
            int id = heap.pop();
            if (merged[id]) {
                continue;
            }
            if (seenCount != count[id]) {
                // Counts only fall between pushes, except for pairs re-pushed on a rise; re-queue.
                if (count[id] > 0) {
                    heap.push(id);
                }
                continue;
            }
            return id;
        }
        return -1;
    }

    private void apply(int pair) {
        int a = pairLeft[pair];
        int b = pairRight[pair];
        ByteKey joined = ByteKey.concat(tokenBytes.get(a), tokenBytes.get(b));
        Integer existing = tokenIds.get(joined);
        int t;
        if (existing != null) {
            t = existing;
        } else {
            t = tokenBytes.size();
            tokenBytes.add(joined.bytes());
            tokenIds.put(joined, t);
        }

        int[] pos = positions[pair];
        int len = positionCount[pair];
        // Positions arrive in increasing order except in rare cases with reused ids; the left-to-right
        // order matters for overlapping occurrences of (x, x).
        for (int i = 1; i < len; i++) {
            if (pos[i - 1] > pos[i]) {
                Arrays.sort(pos, 0, len);
                break;
            }
        }
        epoch++;
        touchedCount = 0;
        for (int i = 0; i < len; i++) {
            int p = pos[i];
            if (sym[p] != a) {
                continue;
            }
            int q = next[p];
            if (q < 0 || sym[q] != b) {
                continue;
            }
            long w = weightAt(p);
            int before = prev[p];
            int after = next[q];
            if (before >= 0) {
                add(sym[before], a, -w, -1);
                add(sym[before], t, w, before);
            }
            if (after >= 0) {
                add(b, sym[after], -w, -1);
                add(t, sym[after], w, p);
            }
            count[pair] -= w;
            sym[p] = t;
            sym[q] = DEAD;
            next[p] = after;
            if (after >= 0) {
                prev[after] = p;
            }
        }
        merged[pair] = true;
        positions[pair] = null;
        for (int i = 0; i < touchedCount; i++) {
            int id = touched[i];
            if (count[id] > 0 && !merged[id]) {
                heap.push(id);
            }
        }
    }

    /** Moves the count of pair {@code (l, r)} by {@code delta}; a new occurrence also records its position. */
    private void add(int l, int r, long delta, int position) {
        int id = pairId(l, r);
        count[id] += delta;
        if (delta > 0) {
            int[] pos = positions[id];
            int len = positionCount[id];
            if (pos == null) {
                pos = positions[id] = new int[4];
            } else if (len == pos.length) {
                pos = positions[id] = Arrays.copyOf(pos, len * 2);
            }
            pos[len] = position;
            positionCount[id] = len + 1;
            if (touchedStamp[id] != epoch) {
                touchedStamp[id] = epoch;
                if (touchedCount == touched.length) {
                    touched = Arrays.copyOf(touched, touchedCount * 2);
                }
                touched[touchedCount++] = id;
            }
        }
    }

    private int pairId(int l, int r) {
        if (l < 256 && r < 256) {
            return l << 8 | r;
        }
        long key = MergeRules.pairKey(l, r);
        int id = pairIds.get(key);
        if (id != LongIntMap.MISSING) {
            return id;
        }
        id = pairCount++;
        if (id == pairLeft.length) {
            int cap = id * 2;
            pairLeft = Arrays.copyOf(pairLeft, cap);
            pairRight = Arrays.copyOf(pairRight, cap);
            count = Arrays.copyOf(count, cap);
            positions = Arrays.copyOf(positions, cap);
            positionCount = Arrays.copyOf(positionCount, cap);
            merged = Arrays.copyOf(merged, cap);
            touchedStamp = Arrays.copyOf(touchedStamp, cap);
        }
        pairLeft[id] = l;
        pairRight[id] = r;
        pairIds.put(key, id);
        return id;
    }

    /**
     * Where token {@code id} stands in HF's id order, which decides ties: HF's byte-level trainer numbers
     * the byte tokens by the code point of their GPT-2 char (printable ASCII first, then Latin-1, then the
     * remapped bytes from U+0100), after any special tokens, and each merged token after all bytes in
     * creation order, as here. Only the order matters, so the merged ids (256 and up) are used as they are.
     */
    private static int hfOrder(int id) {
        return id < 256 ? HF_BYTE_ORDER[id] : id;
    }

    /** Rank 0..255 of each byte's GPT-2 char among the 256 chars. */
    private static final int[] HF_BYTE_ORDER = new int[256];

    static {
        Integer[] bytes = new Integer[256];
        for (int b = 0; b < 256; b++) {
            bytes[b] = b;
        }
        Arrays.sort(bytes, (x, y) -> Character.compare(ByteLevelAlphabet.toChar(x), ByteLevelAlphabet.toChar(y)));
        for (int rank = 0; rank < 256; rank++) {
            HF_BYTE_ORDER[bytes[rank]] = rank;
        }
    }

    private long weightAt(int position) {
        if (unitWeights) {
            return 1;
        }
        int w = Arrays.binarySearch(wordStart, position);
        return wordWeight[w >= 0 ? w : -w - 2];
    }

    /**
     * Max-heap of pair ids by (count at push time descending, then (left, right) ascending in HF's id
     * order, {@link #hfOrder}). The count is stored with the entry, so an entry whose pair count moved
     * since is recognised and re-queued by {@link #popBest}.
     */
    private final class PairHeap {
        private int[] ids = new int[1 << 16];
        private long[] counts = new long[1 << 16];
        int size;

        void push(int id) {
            if (size == ids.length) {
                ids = Arrays.copyOf(ids, size * 2);
                counts = Arrays.copyOf(counts, size * 2);
            }
            int i = size++;
            long c = count[id];
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (!before(c, id, counts[parent], ids[parent])) {
                    break;
                }
                ids[i] = ids[parent];
                counts[i] = counts[parent];
                i = parent;
            }
            ids[i] = id;
            counts[i] = c;
        }

        long topCount() {
            return counts[0];
        }

        int pop() {
            int top = ids[0];
            int lastId = ids[--size];
            long lastCount = counts[size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && before(counts[child + 1], ids[child + 1], counts[child], ids[child])) {
                    child++;
                }
                if (!before(counts[child], ids[child], lastCount, lastId)) {
                    break;
                }
                ids[i] = ids[child];
                counts[i] = counts[child];
                i = child;
            }
            ids[i] = lastId;
            counts[i] = lastCount;
            return top;
        }

        /** Whether entry (c1, id1) comes out before (c2, id2). */
        private boolean before(long c1, int id1, long c2, int id2) {
            if (c1 != c2) {
                return c1 > c2;
            }
            int l1 = hfOrder(pairLeft[id1]);
            int l2 = hfOrder(pairLeft[id2]);
            if (l1 != l2) {
                return l1 < l2;
            }
            return hfOrder(pairRight[id1]) < hfOrder(pairRight[id2]);
        }
    }
}
