package org.jpeglm.avclm;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.SequencedMap;
import org.jpeglm.codec.Generated;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoDecodeReport;

/**
 * One video a model generated.
 *
 * @param index its number in the request (0-based), which also fixes its seed
 * @param seed the sampling seed it was generated with
 * @param stream the H.264 Annex-B stream the model wrote, prompt included, as written
 * @param videoBytes the length of the prefix of stream that is the video: whole pictures, up to those of the
 *     profile's count of frames ({@link #videoStream()}; the model may write on past them)
 * @param video the frames that prefix decoded to (tolerantly: damaged macroblocks concealed), at the profile's size
 *     and rate
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
        int videoBytes,
        Video video,
        VideoDecodeReport report,
        int tokens,
        int promptTokens,
        int promptBytes,
        StopReason stop,
        Duration time)
        implements Generated {
    /** Decoder errors a summary lists at most (as the CLI prints them). */
    public static final int ERRORS_LISTED = 3;

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
        if (videoBytes < 0 || videoBytes > stream.length) {
            throw new IllegalArgumentException(
                    "videoBytes must be 0 to the stream's " + stream.length + ", got " + videoBytes);
        }
    }

    /**
     * The part of the stream that is the video (the first {@link #videoBytes()} bytes): what an .h264 or MP4 file of
     * this video holds, decoding to exactly {@link #video()}'s frames.
     */
    public byte[] videoStream() {
        return Arrays.copyOf(stream, videoBytes);
    }

    /** Whether every frame of the profile decoded. */
    public boolean allFrames() {
        return report.allFrames();
    }

    /** Whether every frame of the profile decoded without damage (nothing concealed) and ffmpeg reported no error. */
    public boolean clean() {
        return report.clean();
    }

    @Override
    public String toString() {
        return "GeneratedVideo[" + index + ", seed " + seed + ", " + tokens + " tokens, " + stream.length + " bytes, "
                + stop + ", " + report.summary() + "]";
    }

    /**
     * The stream (bytes: as the model wrote it; video_bytes: the part that is the video, in its .h264 and .mp4), why
     * it stopped, how it decoded (frames: what those files decode to) and its first {@link #ERRORS_LISTED} decoder
     * errors.
     */
    @Override
    public SequencedMap<String, Object> summary() {
        SequencedMap<String, Object> s = new LinkedHashMap<>();
        s.put("index", index);
        s.put("seed", seed);
        s.put("tokens", tokens);
        s.put("bytes", stream.length);
        s.put("video_bytes", videoBytes);
        s.put("stop", stop.name());
        s.put("frames", report.decodedFrames());
        s.put("expected_frames", report.expectedFrames());
        s.put("all_frames", report.allFrames());
        s.put("clean", report.clean());
        s.put("damaged_frames", report.damagedFrames());
        s.put("concealed_macroblocks", report.concealedMacroblocks());
        s.put("decode", report.summary());
        s.put("ms", time.toMillis());
        s.put("decoder_errors", report.errors().stream().limit(ERRORS_LISTED).toList());
        return s;
    }
}
