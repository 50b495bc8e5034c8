package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.time.Duration;
import org.jpeglm.jpeg.RepairReport;

/**
 * One image a model generated.
 *
 * @param index its number in the request (0-based), which also fixes its seed
 * @param seed the sampling seed it was generated with
 * @param stream the abbreviated JPEG stream the model wrote (prompt included), unrepaired
 * @param jpeg a complete, decodable JFIF file: the stream repaired (if needed) with the model's tables put back
 * @param image the decoded image
 * @param tokens tokens the model generated (prompt excluded)
 * @param promptTokens tokens of the prompt, BOS included
 * @param stop why generation ended
 * @param repair what repair changed; {@link RepairReport#clean()} when the model's stream was valid as written
 * @param time from the prompt to the decoded image
 */
public record GeneratedImage(
        int index,
        long seed,
        byte[] stream,
        byte[] jpeg,
        BufferedImage image,
        int tokens,
        int promptTokens,
        StopReason stop,
        RepairReport repair,
        Duration time) {
    /** Why the model stopped writing an image. */
    public enum StopReason {
        /** It wrote the EOS token. */
        EOS,
        /** It wrote EOI; the image is complete. */
        EOI,
        /** It reached the token limit. */
        MAX_TOKENS
    }

    /** Whether the model's stream decoded as written, without repair. */
    public boolean clean() {
        return repair.clean();
    }

    @Override
    public String toString() {
        return "GeneratedImage[" + index + ", seed " + seed + ", " + tokens + " tokens, " + stop + ", "
                + repair.summary() + "]";
    }
}
