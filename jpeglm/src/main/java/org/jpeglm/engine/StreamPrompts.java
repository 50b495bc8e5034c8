package org.jpeglm.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jpeglm.bpe.BpeTokenizer;

/**
 * Turns a request's streams into {@link StreamJob}s: the prompt of each stream and its seed, the same for every codec
 * and every front end (a generator, a service), so stream i of a request gets the same prompt and seed wherever it
 * runs. Thread-safe.
 */
public final class StreamPrompts {
    private final BpeTokenizer tokenizer;
    private final TokenTable tokens;
    private final int contextLength;
    private final String noun;

    /**
     * @param contextLength most tokens a stream may take, prompt included
     * @param noun what a stream is, for messages ("image", "video")
     */
    public StreamPrompts(BpeTokenizer tokenizer, TokenTable tokens, int contextLength, String noun) {
        this.tokenizer = tokenizer;
        this.tokens = tokens;
        this.contextLength = contextLength;
        this.noun = noun;
    }

    /** count streams from nothing: the prompt is BOS. */
    public List<StreamJob> generation(int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        List<StreamJob> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            jobs.add(new StreamJob(i, seedOf(seed, i), new int[] {tokenizer.bosId()}, new byte[0], new byte[0]));
        }
        return jobs;
    }

    /**
     * Stream index continued from prefix. Token healing: the prompt's last token is taken back and its bytes forced,
     * so the model's first token may be one that spans the cut, as it would have in training; the stream still
     * starts with prefix byte for byte.
     */
    public StreamJob completion(int index, long seed, byte[] prefix) {
        int[] prompt = tokenizer.encode(prefix, true, false);
        int last = prompt.length - 1;
        byte[] forced = last > 0 ? tokens.bytes(prompt[last]) : new byte[0];
        if (last > 0) {
            prompt = Arrays.copyOf(prompt, last);
        }
        if (prompt.length >= contextLength) {
            throw new IllegalArgumentException(noun + " " + index + "'s prompt takes " + prompt.length
                    + " tokens, leaving none of the model's context of " + contextLength);
        }
        return new StreamJob(
                index, seedOf(seed, index), prompt, Arrays.copyOf(prefix, prefix.length - forced.length), forced);
    }

    /** Stream index's seed: the request's seed and the index, mixed (SplitMix64), so neighbouring seeds differ. */
    public static long seedOf(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
