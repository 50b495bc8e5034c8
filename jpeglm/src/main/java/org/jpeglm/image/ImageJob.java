package org.jpeglm.image;

import java.util.Objects;

/**
 * One image to write: its prompt tokens, the bytes they stand for, and bytes the model must write first (the
 * prompt's last token, taken back for token healing).
 *
 * @param index its number in the request
 * @param seed its sampling seed
 * @param prompt the tokens fed before the first step, BOS first
 * @param promptBytes the bytes of prompt
 * @param forced bytes the first generated tokens must spell out (empty for none)
 */
record ImageJob(int index, long seed, int[] prompt, byte[] promptBytes, byte[] forced) {
    ImageJob {
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(promptBytes, "promptBytes");
        Objects.requireNonNull(forced, "forced");
        if (prompt.length == 0) {
            throw new IllegalArgumentException("image " + index + " has an empty prompt (BOS at least)");
        }
    }
}
