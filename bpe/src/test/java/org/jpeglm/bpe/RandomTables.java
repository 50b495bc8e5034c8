package org.jpeglm.bpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Random merge tables over a small alphabet (so merges fire often), for comparing encoders. */
final class RandomTables {
    private RandomTables() {}

    /** A vocabulary and merges, in a random id layout with specials at random ids. */
    record Table(List<VocabEntry> vocab, List<TokenPair> merges, int bosId, int eosId) {
        BpeTokenizer tokenizer() {
            return BpeTokenizer.of(vocab, merges, bosId, eosId, false);
        }
    }

    /**
     * Builds merges as a trainer would (each from tokens that exist already), some of them
     * re-making existing bytes; then, if {@code shuffleRanks}, permutes the ranks so that merges may
     * use tokens only later merges make.
     */
    static Table random(Random rnd, byte[] alphabet, int mergeCount, boolean shuffleRanks) {
        List<byte[]> pieces = new ArrayList<>();
        Map<String, Integer> idOf = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            pieces.add(new byte[] {(byte) b});
            idOf.put(hex(pieces.get(b)), b);
        }
        List<Integer> pool = new ArrayList<>();
        for (byte b : alphabet) {
            pool.add(b & 0xFF);
        }
        List<TokenPair> merges = new ArrayList<>();
        Set<TokenPair> used = new HashSet<>();
        for (int attempt = 0; merges.size() < mergeCount && attempt < mergeCount * 20; attempt++) {
            // Prefer recent tokens a little, so longer pieces appear.
            int l = pool.get(
                    pool.size() - 1 - Math.min(pool.size() - 1, (int) Math.abs(rnd.nextGaussian() * pool.size() / 2)));
            int r = pool.get(rnd.nextInt(pool.size()));
            if (rnd.nextBoolean()) {
                int t = l;
                l = r;
                r = t;
            }
            TokenPair pair = new TokenPair(l, r);
            byte[] joined = concat(pieces.get(l), pieces.get(r));
            if (joined.length > 12 || used.contains(pair)) {
                continue;
            }
            Integer existing = idOf.get(hex(joined));
            if (existing == null) {
                idOf.put(hex(joined), pieces.size());
                pool.add(pieces.size());
                pieces.add(joined);
            } else if (rnd.nextInt(4) != 0) {
                continue; // keep re-made tokens (duplicate results) occasional
            }
            used.add(pair);
            merges.add(pair);
        }
        if (shuffleRanks) {
            Collections.shuffle(merges, rnd);
        }

        // Random layout: permute all ids, specials included.
        int size = pieces.size() + 2;
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, rnd);
        VocabEntry[] vocab = new VocabEntry[size];
        for (int old = 0; old < pieces.size(); old++) {
            vocab[perm.get(old)] = new VocabEntry.Piece(pieces.get(old));
        }
        int bos = perm.get(pieces.size());
        int eos = perm.get(pieces.size() + 1);
        vocab[bos] = new VocabEntry.Special("<s>");
        vocab[eos] = new VocabEntry.Special("</s>");
        List<TokenPair> mapped = merges.stream()
                .map(m -> new TokenPair(perm.get(m.left()), perm.get(m.right())))
                .toList();
        return new Table(Arrays.asList(vocab), mapped, bos, eos);
    }

    /** Random bytes drawn from {@code alphabet}. */
    static byte[] input(Random rnd, byte[] alphabet, int maxLength) {
        byte[] out = new byte[rnd.nextInt(maxLength + 1)];
        for (int i = 0; i < out.length; i++) {
            out[i] = alphabet[rnd.nextInt(alphabet.length)];
        }
        return out;
    }

    /** A random alphabet of 2..5 distinct bytes (often including 0xFF and 0x00, as in JPEG). */
    static byte[] alphabet(Random rnd) {
        Set<Integer> s = new java.util.LinkedHashSet<>();
        if (rnd.nextBoolean()) {
            s.add(0xFF);
            s.add(0x00);
        }
        int n = 2 + rnd.nextInt(4);
        while (s.size() < n) {
            s.add(rnd.nextInt(256));
        }
        byte[] out = new byte[s.size()];
        int i = 0;
        for (int b : s) {
            out[i++] = (byte) b;
        }
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
