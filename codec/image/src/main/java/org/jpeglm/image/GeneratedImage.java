package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.SequencedMap;
import org.jpeglm.codec.Generated;
import org.jpeglm.jpeg.JpegProfile;
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
        Duration time)
        implements Generated {
    /** Why the model stopped writing an image. */
    public enum StopReason {
        /** It wrote the EOS token. */
        EOS,
        /** It wrote EOI; the image is complete. */
        EOI,
        /** It reached the token limit. */
        MAX_TOKENS
    }

    /** Heap bytes one decoded image of profile's size takes (3 bytes a pixel, as JPEG decoding and fitting give). */
    public static long decodedBytes(JpegProfile profile) {
        return 3L * profile.width() * profile.height();
    }

    /**
     * Heap bytes one generated image of profile's size holds while its caller keeps it: the decoded image, the
     * model's stream and the repaired file (a byte a pixel each, generous for quality 25, plus headers), and its
     * records. What a caller plans with before asking for many images (an OutOfMemoryError halfway helps nobody).
     */
    public static long heapBytes(JpegProfile profile) {
        long pixels = (long) profile.width() * profile.height();
        return decodedBytes(profile) + 2 * (pixels + 1024) + 2048;
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

    /**
     * index, image_seed, tokens, stop, clean, decodable, repair, bytes (of the model's stream) and ms. The image's own
     * sampling seed (derived from the request's seed and the index: those two make the image again) is a string.
     */
    @Override
    public SequencedMap<String, Object> summary() {
        SequencedMap<String, Object> s = Generated.imageSummary(this);
        s.put("stop", stop.name());
        s.put("clean", clean());
        s.put("decodable", repair.decodable());
        s.put("repair", repair.summary());
        s.put("bytes", stream.length);
        s.put("ms", time.toMillis());
        return s;
    }
}
