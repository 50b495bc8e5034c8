package org.jpeglm.engine;

import java.util.Objects;

/**
 * One stream to write (an image, a video): its prompt tokens, the bytes they stand for, and bytes the model must
 * write first (the prompt's last token, taken back for token healing).
 *
 * @param index its number in the request
 * @param seed its sampling seed
 * @param prompt the tokens fed before the first step, BOS first
 * @param promptBytes the bytes of prompt
 * @param forced bytes the first generated tokens must spell out (empty for none)
 */
public record StreamJob(int index, long seed, int[] prompt, byte[] promptBytes, byte[] forced) {
    public StreamJob {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(promptBytes, "promptBytes");
        Objects.requireNonNull(forced, "forced");
        if (prompt.length == 0) {
            throw new IllegalArgumentException("stream " + index + " has an empty prompt (BOS at least)");
        }
    }
}
