package org.jpeglm.codec;

import java.time.Duration;

/**
 * A stream as the engine leaves it, before its codec makes the result of it (a repaired image, a decoded video).
 *
 * @param stream the bytes written, the prompt's first
 * @param tokens tokens generated (the prompt's not counted)
 * @param promptTokens tokens fed before the first step, BOS included
 * @param promptBytes the bytes of the prompt, the forced bytes of token healing included
 * @param time from the start of the stream to its last token
 */
public record Written(
        int index,
        long seed,
        byte[] stream,
        int tokens,
        int promptTokens,
        int promptBytes,
        StopReason stop,
        Duration time) {}
