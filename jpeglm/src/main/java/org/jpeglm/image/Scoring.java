package org.jpeglm.image;

import java.util.ArrayList;
import java.util.List;
import org.jpeglm.Session;
import org.jpeglm.bpe.BpeTokenizer;

/** Scores images' streams in sequences of a session: one sequence each, all of them in one native call. */
final class Scoring {
    private Scoring() {}

    /** The tokens of stream (BOS and EOS included), which must fit in one sequence's context. */
    static int[] tokens(BpeTokenizer tokenizer, byte[] stream, int index, int contextLength) {
        int[] t = tokenizer.encode(stream, true, true);
        if (t.length > contextLength) {
            throw new IllegalArgumentException("image " + index + " takes " + t.length
                    + " tokens, more than the model's context of " + contextLength);
        }
        return t;
    }

    /**
     * Empties sequence ids[k] and scores tokens.get(k) in it, for every k in one native call; bytes[k] is the length
     * of the stream the tokens encode.
     */
    static List<ImageScore> score(Session session, int[] ids, List<int[]> tokens, int[] bytes) {
        for (int q : ids) {
            session.truncate(q, 0);
        }
        PackedTokens packed = PackedTokens.of(ids, tokens);
        float[] logp = session.score(packed.seqs(), packed.tokens());
        List<ImageScore> out = new ArrayList<>(ids.length);
        for (int k = 0; k < ids.length; k++) {
            int start = packed.starts()[k];
            int n = tokens.get(k).length;
            double nats = 0;
            for (int j = start + 1; j < start + n; j++) { // BOS has no likelihood: it is given
                nats -= logp[j];
            }
            out.add(new ImageScore(nats / Math.log(2), n - 1, bytes[k]));
        }
        return out;
    }
}
