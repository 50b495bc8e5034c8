package org.jpeglm.video;

import java.util.Objects;

/**
 * A decoded stream: the frames that came out and how it went.
 *
 * @param video the frames decoded, at the profile's size and rate (none when nothing decoded)
 * @param report frame and macroblock counts, decoder errors
 */
public record DecodedVideo(Video video, VideoDecodeReport report) {
    public DecodedVideo {
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(report, "report");
    }
}
