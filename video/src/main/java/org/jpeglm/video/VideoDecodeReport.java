package org.jpeglm.video;

import java.util.List;

/**
 * How a (possibly damaged or generated) stream decoded: the video analogue of a JPEG repair report. ffmpeg's
 * H.264 decoder conceals what it cannot decode (copying from the previous frame) and logs it; these counts come
 * from that log and from the frames it output.
 *
 * @param expectedFrames the profile's frame count
 * @param decodedFrames frames ffmpeg output (at most expected)
 * @param damagedFrames frames in which ffmpeg concealed errors
 * @param concealedMacroblocks macroblocks concealed, summed over frames (at most the decoded frames' macroblocks)
 * @param macroblocksPerFrame 16×16 macroblocks in one frame of the profile's size
 * @param errors ffmpeg's error lines (decoder addresses removed), at most {@link #MAX_ERRORS}
 */
public record VideoDecodeReport(
        int expectedFrames,
        int decodedFrames,
        int damagedFrames,
        long concealedMacroblocks,
        int macroblocksPerFrame,
        List<String> errors) {
    public static final int MAX_ERRORS = 50;

    public VideoDecodeReport {
        errors = List.copyOf(errors.subList(0, Math.min(errors.size(), MAX_ERRORS)));
        if (expectedFrames < 0 || decodedFrames < 0 || damagedFrames < 0 || concealedMacroblocks < 0) {
            throw new IllegalArgumentException("counts must be >= 0");
        }
    }

    /** Every expected frame came out. */
    public boolean allFrames() {
        return decodedFrames >= expectedFrames;
    }

    /** Every expected frame came out and ffmpeg reported no error. */
    public boolean clean() {
        return allFrames() && damagedFrames == 0 && errors.isEmpty();
    }

    /** Frames that decoded without concealment (of the expected ones). */
    public int cleanFrames() {
        return Math.max(0, decodedFrames - damagedFrames);
    }

    /** One line for logs and summaries. */
    public String summary() {
        return decodedFrames + "/" + expectedFrames + " frames decoded, " + damagedFrames + " damaged, "
                + concealedMacroblocks + " macroblocks concealed"
                + (errors.isEmpty() ? "" : ", " + errors.size() + " decoder errors");
    }
}
