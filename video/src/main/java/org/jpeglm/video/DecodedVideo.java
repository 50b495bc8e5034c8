package org.jpeglm.video;

import java.util.Objects;

/**
 * A decoded stream: the frames that came out and how it went.
 *
 * @param video the frames decoded, at the profile's size and rate (none when nothing decoded)
 * @param report frame and macroblock counts, decoder errors
 * @param streamBytes the length of the stream's prefix that the video was decoded from (whole pictures, up to those
 *     of the profile's count of frames): an H.264 or MP4 file of that prefix decodes to exactly these frames
 */
public record DecodedVideo(Video video, VideoDecodeReport report, int streamBytes) {
    public DecodedVideo {
        Objects.requireNonNull(video, "video");
        Objects.requireNonNull(report, "report");
        if (streamBytes < 0) {
            throw new IllegalArgumentException("streamBytes must be >= 0, got " + streamBytes);
        }
    }
}
