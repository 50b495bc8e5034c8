package org.jpeglm.avclm;

import java.time.Duration;
import java.util.Objects;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoDecodeReport;

/**
 * One video a model generated.
 *
 * @param index its number in the request (0-based), which also fixes its seed
 * @param seed the sampling seed it was generated with
 * @param stream the H.264 Annex-B stream the model wrote, prompt included, as written
 * @param video the frames it decoded to (tolerantly: damaged macroblocks concealed), at the profile's size and rate
 * @param report how it decoded: frames of the profile's count, damage
 * @param tokens tokens the model generated (prompt excluded)
 * @param promptTokens tokens of the prompt, BOS included
 * @param promptBytes bytes of stream that are the prompt's, kept exactly (0 for a video from nothing)
 * @param stop why generation ended
 * @param time from the prompt to the decoded video
 */
public record GeneratedVideo(
        int index,
        long seed,
        byte[] stream,
        Video video,
        VideoDecodeReport report,
        int tokens,
        int promptTokens,
        int promptBytes,
        StopReason stop,
        Duration time) {
    /** Why the model stopped writing a video. */
    public enum StopReason {
        /** It wrote the EOS token. */
        EOS,
        /** It reached the token limit (the request's, or the model's context). */
        MAX_TOKENS
    }

    public GeneratedVideo {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(time, "time");
    }

    /** Whether every frame of the profile decoded. */
    public boolean allFrames() {
        return report.allFrames();
    }

    @Override
    public String toString() {
        return "GeneratedVideo[" + index + ", seed " + seed + ", " + tokens + " tokens, " + stream.length + " bytes, "
                + stop + ", " + report.summary() + "]";
    }
}
