package org.jpeglm.bpe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HF's BPE training written the slow way: recount every pair of every word before each merge,
 * take the most frequent (on ties the smallest pair in HF's id order, see {@link #hfId}), merge it in
 * every word left to right; a pair merged once is not merged again.
 */
final class NaiveTrainer {
    private NaiveTrainer() {}

    static List<TokenPair> learn(List<byte[]> streams, int mergeLimit, long minFrequency) {
        Map<String, Long> weightOf = new LinkedHashMap<>();
        for (byte[] s : streams) {
            weightOf.merge(HexFormat.of().formatHex(s), 1L, Long::sum);
        }
        List<List<Integer>> words = new ArrayList<>();
        List<Long> weights = new ArrayList<>();
        for (Map.Entry<String, Long> e : weightOf.entrySet()) {
            List<Integer> w = new ArrayList<>();
            for (byte b : HexFormat.of().parseHex(e.getKey())) {
                w.add(b & 0xFF);
            }
            words.add(w);
            weights.add(e.getValue());
        }
        List<String> hexOf = new ArrayList<>();
        Map<String, Integer> idOf = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            hexOf.add(HexFormat.of().toHexDigits((byte) b));
            idOf.put(hexOf.get(b), b);
        }
        Set<TokenPair> merged = new HashSet<>();
        List<TokenPair> merges = new ArrayList<>();
        while (merges.size() < mergeLimit) {
            Map<TokenPair, Long> counts = new HashMap<>();
            for (int i = 0; i < words.size(); i++) {
                List<Integer> w = words.get(i);
                for (int j = 0; j + 1 < w.size(); j++) {
                    counts.merge(new TokenPair(w.get(j), w.get(j + 1)), weights.get(i), Long::sum);
                }
            }
            TokenPair best = null;
            long bestCount = 0;
            for (Map.Entry<TokenPair, Long> e : counts.entrySet()) {
                TokenPair p = e.getKey();
                long c = e.getValue();
                if (merged.contains(p)) {
                    continue;
                }
                if (best == null
                        || c > bestCount
                        || (c == bestCount
                                && (hfId(p.left()) < hfId(best.left())
                                        || (p.left() == best.left() && hfId(p.right()) < hfId(best.right()))))) {
                    best = p;
                    bestCount = c;
                }
            }
            if (best == null || bestCount < Math.max(1, minFrequency)) {
                break;
            }
            String hex = hexOf.get(best.left()) + hexOf.get(best.right());
            Integer id = idOf.get(hex);
            if (id == null) {
                id = hexOf.size();
                hexOf.add(hex);
                idOf.put(hex, id);
            }
            merges.add(best);
            merged.add(best);
            for (List<Integer> w : words) {
                for (int j = 0; j + 1 < w.size(); j++) {
                    if (w.get(j) == best.left() && w.get(j + 1) == best.right()) {
                        w.set(j, id);
                        w.remove(j + 1);
                    }
                }
            }
        }
        return merges;
    }

    /**
     * A number ordered as HF's id for the token: HF's byte-level trainer gives the bytes ids in the order
     * of their GPT-2 chars' code points and each new token the next id after all of them.
     */
    private static int hfId(int id) {
        return id < 256 ? ByteLevelAlphabet.toChar(id) : 0x10000 + id;
    }
}
