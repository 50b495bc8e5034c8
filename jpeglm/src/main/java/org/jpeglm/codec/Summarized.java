package org.jpeglm.codec;

import java.util.SequencedMap;

/**
 * A codec's result that says what it is in the words both the CLI's {@code summary.json} and the server's answers use,
 * so that the two cannot drift apart: one summary per result type, written once, beside the result.
 */
public interface Summarized {
    /**
     * Its summary in the order written: snake_case names to numbers, strings, booleans or lists of strings (what any
     * JSON library writes as they are). A 64-bit seed is a string: JavaScript and jq would round the number.
     */
    SequencedMap<String, Object> summary();
}
