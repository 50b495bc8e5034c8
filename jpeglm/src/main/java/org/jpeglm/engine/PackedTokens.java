package org.jpeglm.engine;

import java.util.Arrays;
import java.util.List;

/**
 * Several sequences' tokens packed for one native call (a prompt batch or a scoring batch): seqs[i] is the
 * sequence of tokens[i], each sequence's tokens contiguous and in order.
 *
 * @param seqs the sequence id of each token
 * @param tokens the tokens
 * @param starts where each sequence's tokens start in tokens
 */
public record PackedTokens(int[] seqs, int[] tokens, int[] starts) {
    /** The tokens of sequence ids[k] are perSeq.get(k). */
    public static PackedTokens of(int[] ids, List<int[]> perSeq) {
        if (ids.length != perSeq.size()) {
            throw new IllegalArgumentException(ids.length + " sequence ids for " + perSeq.size() + " token lists");
        }
        int total = 0;
        for (int[] t : perSeq) {
            total += t.length;
        }
        int[] seqs = new int[total];
        int[] tokens = new int[total];
        int[] starts = new int[ids.length];
        int at = 0;
        for (int k = 0; k < ids.length; k++) {
            int[] t = perSeq.get(k);
            starts[k] = at;
            Arrays.fill(seqs, at, at + t.length, ids[k]);
            System.arraycopy(t, 0, tokens, at, t.length);
            at += t.length;
        }
        return new PackedTokens(seqs, tokens, starts);
    }
}
