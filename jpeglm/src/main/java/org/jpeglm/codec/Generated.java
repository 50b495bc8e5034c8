package org.jpeglm.codec;

import java.util.LinkedHashMap;
import java.util.SequencedMap;

/**
 * What every codec's result is, whatever it holds besides (an image, a video): its place in the request, its seed, its
 * token counts, whether its stream was clean, and its summary in the words both the CLI's {@code summary.json} and
 * the server's answers use, so that the two cannot drift apart. The server counts and answers any codec's results
 * through it.
 */
public interface Generated {
    /** Its number in the request (0-based), which also fixes its seed. */
    int index();

    /** The sampling seed it was generated with. */
    long seed();

    /** Tokens the model generated (the prompt's not counted). */
    int tokens();

    /** Tokens of the prompt, BOS included. */
    int promptTokens();

    /** Whether the stream was valid as written (nothing repaired, missing or damaged). */
    boolean clean();

    /**
     * Its summary in the order written: snake_case names to numbers, strings, booleans or lists of strings (what any
     * JSON library writes as they are). An image's 64-bit seed is a string (JavaScript and jq would round the number);
     * a video's summary keeps {@code seed} a number, as its summary.json always had it.
     */
    SequencedMap<String, Object> summary();

    /** A summary as an image's begins (index, image_seed: a string, tokens), for its codec to go on with. */
    static SequencedMap<String, Object> imageSummary(Generated image) {
        SequencedMap<String, Object> s = new LinkedHashMap<>();
        s.put("index", image.index());
        s.put("image_seed", Long.toString(image.seed()));
        s.put("tokens", image.tokens());
        return s;
    }
}
