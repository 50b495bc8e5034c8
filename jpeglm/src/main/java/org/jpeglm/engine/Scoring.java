package org.jpeglm.engine;

import java.util.ArrayList;
import java.util.Arrays;
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
     * The tokens of stream (BOS and EOS included), which must fit in one sequence's context but for the last: EOS is
     * scored from the logits of the token before it and need not be in the context itself (a model trained on
     * windows of exactly one image, BOS and its pixels, scores that image whole).
     *
     * @param noun what a stream is, for the message ("image", "video")
     */
    public static int[] tokens(BpeTokenizer tokenizer, byte[] stream, String noun, int index, int contextLength) {
        int[] t = tokenizer.encode(stream, true, true);
        if (t.length > contextLength + 1) {
            throw new IllegalArgumentException(noun + " " + index + " takes " + t.length
                    + " tokens, more than the model's context of " + contextLength + " and EOS");
        }
        return t;
    }

    /**
     * Empties sequence ids[k] and scores tokens.get(k) in it, for every k in one native call; bytes[k] is the length
     * of the stream the tokens encode.
     */
    public static List<Score> score(Session session, int[] ids, List<int[]> tokens, int[] bytes) {
        int context = session.contextLength();
        List<int[]> fed = new ArrayList<>(ids.length); // a stream one token longer than the context: all but its EOS
        for (int k = 0; k < ids.length; k++) {
            session.truncate(ids[k], 0);
            int[] t = tokens.get(k);
            fed.add(t.length > context ? Arrays.copyOf(t, t.length - 1) : t);
        }
        PackedTokens packed = PackedTokens.of(ids, fed);
        float[] logp = session.score(packed.seqs(), packed.tokens());
        List<Score> out = new ArrayList<>(ids.length);
        float[] logits = null;
        for (int k = 0; k < ids.length; k++) {
            int start = packed.starts()[k];
            int[] t = tokens.get(k);
            int n = fed.get(k).length;
            double nats = 0;
            for (int j = start + 1; j < start + n; j++) { // BOS has no likelihood: it is given
                nats -= logp[j];
            }
            if (n < t.length) {
                logits = logits != null ? logits : new float[session.vocabSize()];
                session.logits(ids[k], logits);
                nats -= logSoftmax(logits, t[n]);
            }
            out.add(new Score(nats / Math.log(2), t.length - 1, bytes[k]));
        }
        return out;
    }

    /** The natural log-probability of token under logits. */
    static double logSoftmax(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return logits[token] - max - Math.log(sum);
    }
}
