package org.jpeglm.engine;

import java.util.ArrayList;
import java.util.List;
import org.jpeglm.Session;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.Score;

/**
 * Scores streams in sequences of a session: one sequence each, all of them in one native call. Shared by the
 * generators ({@link StreamRunner}) and the image service's score queue.
 */
public final class Scoring {
    private Scoring() {}

    /**
     * The tokens of stream (BOS and EOS included), which must fit in one sequence's context.
     *
     * @param noun what a stream is, for the message ("image", "video")
     */
    public static int[] tokens(BpeTokenizer tokenizer, byte[] stream, String noun, int index, int contextLength) {
        int[] t = tokenizer.encode(stream, true, true);
        if (t.length > contextLength) {
            throw new IllegalArgumentException(noun + " " + index + " takes " + t.length
                    + " tokens, more than the model's context of " + contextLength);
        }
        return t;
    }

    /**
     * Empties sequence ids[k] and scores tokens.get(k) in it, for every k in one native call; bytes[k] is the length
     * of the stream the tokens encode.
     */
    public static List<Score> score(Session session, int[] ids, List<int[]> tokens, int[] bytes) {
        for (int q : ids) {
            session.truncate(q, 0);
        }
        PackedTokens packed = PackedTokens.of(ids, tokens);
        float[] logp = session.score(packed.seqs(), packed.tokens());
        List<Score> out = new ArrayList<>(ids.length);
        for (int k = 0; k < ids.length; k++) {
            int start = packed.starts()[k];
            int n = tokens.get(k).length;
            double nats = 0;
            for (int j = start + 1; j < start + n; j++) { // BOS has no likelihood: it is given
                nats -= logp[j];
            }
            out.add(new Score(nats / Math.log(2), n - 1, bytes[k]));
        }
        return out;
    }
}
