package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.video.VideoDecodeReport;

/** What is said of a generated video, in the same words by the server's answers and the CLI's summary.json. */
public final class VideoSummary {
    /** Decoder errors listed per video at most (as the CLI lists them). */
    static final int ERRORS_LISTED = 3;

    private VideoSummary() {}

    /**
     * The stream (bytes: as the model wrote it; video_bytes: the part that is the video, in its .h264 and .mp4), why
     * it stopped, and how it decoded (frames: what those files decode to).
     */
    public static ObjectNode of(GeneratedVideo v) {
        VideoDecodeReport r = v.report();
        ObjectNode e = JsonNodeFactory.instance
                .objectNode()
                .put("index", v.index())
                .put("seed", v.seed())
                .put("tokens", v.tokens())
                .put("bytes", v.stream().length)
                .put("video_bytes", v.videoBytes())
                .put("stop", v.stop().name())
                .put("frames", r.decodedFrames())
                .put("expected_frames", r.expectedFrames())
                .put("all_frames", r.allFrames())
                .put("clean", r.clean())
                .put("damaged_frames", r.damagedFrames())
                .put("concealed_macroblocks", r.concealedMacroblocks())
                .put("decode", r.summary())
                .put("ms", v.time().toMillis());
        var errors = e.putArray("decoder_errors");
        r.errors().stream().limit(ERRORS_LISTED).forEach(errors::add);
        return e;
    }
}
