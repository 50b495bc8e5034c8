package org.jpeglm.bpe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Slow, obviously correct BPE encoders, written from HF's description and sharing no code with the
 * real one (byte strings are keyed by hex text, ranks by a map of pairs).
 */
final class NaiveBpe {
    private final Map<String, Integer> rank = new HashMap<>();
    private final Map<String, Integer> idOfHex = new HashMap<>();
    private final List<String> hexOf = new ArrayList<>();
    private final List<TokenPair> merges;

    NaiveBpe(List<VocabEntry> vocab, List<TokenPair> merges) {
        this.merges = merges;
        for (int id = 0; id < vocab.size(); id++) {
            String hex =
                    vocab.get(id) instanceof VocabEntry.Piece p ? HexFormat.of().formatHex(p.bytes()) : null;
            hexOf.add(hex);
            if (hex != null) {
                idOfHex.put(hex, id);
            }
        }
        for (int r = 0; r < merges.size(); r++) {
            rank.put(merges.get(r).left() + "," + merges.get(r).right(), r);
        }
    }

    static NaiveBpe of(BpeTokenizer t) {
        return new NaiveBpe(t.vocabulary(), t.merges());
    }

    private List<Integer> bytesAsTokens(byte[] input) {
        List<Integer> symbols = new ArrayList<>();
        for (byte b : input) {
            symbols.add(idOfHex.get(HexFormat.of().toHexDigits(b)));
        }
        return symbols;
    }

    private int merged(int left, int right) {
        return idOfHex.get(hexOf.get(left) + hexOf.get(right));
    }

    /**
     * HF's definition: while some adjacent pair has a merge, merge the one with the lowest rank,
     * the leftmost among equal ranks — one occurrence at a time.
     */
    int[] lowestRankFirst(byte[] input) {
        List<Integer> s = bytesAsTokens(input);
        while (true) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < s.size(); i++) {
                Integer r = rank.get(s.get(i) + "," + s.get(i + 1));
                if (r != null && r < bestRank) {
                    bestRank = r;
                    best = i;
                }
            }
            if (best < 0) {
                return toArray(s);
            }
            s.set(best, merged(s.get(best), s.get(best + 1)));
            s.remove(best + 1);
        }
    }

    /**
     * The textbook form (HF course): take the merges in rank order and apply each to all its
     * occurrences, left to right. Equal to {@link #lowestRankFirst} when no merge uses a token made
     * by a later merge.
     */
    int[] mergesInRankOrder(byte[] input) {
        List<Integer> s = bytesAsTokens(input);
        for (TokenPair m : merges) {
            for (int i = 0; i + 1 < s.size(); i++) {
                if (s.get(i) == m.left() && s.get(i + 1) == m.right()) {
                    s.set(i, merged(m.left(), m.right()));
                    s.remove(i + 1);
                }
            }
        }
        return toArray(s);
    }

    private static int[] toArray(List<Integer> s) {
        return s.stream().mapToInt(Integer::intValue).toArray();
    }
}
