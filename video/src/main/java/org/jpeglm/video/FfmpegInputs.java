package org.jpeglm.video;

import java.util.List;

/** The ffmpeg input options this package uses, written once. */
final class FfmpegInputs {
    /** Options before the inputs: quiet but for errors. */
    static final List<String> QUIET = List.of("-hide_banner", "-loglevel", "error");

    private FfmpegInputs() {}

    /** Raw rgb24 frames of w×h at fps from input ("-" for standard input). */
    static List<String> rawRgb24(int w, int h, int fps, String input) {
        return List.of(
                "-f",
                "rawvideo",
                "-pix_fmt",
                RawFrames.PIXEL_FORMAT,
                "-s",
                w + "x" + h,
                "-framerate",
                Integer.toString(fps),
                "-i",
                input);
    }

    /** A raw Annex-B H.264 stream on standard input, timed at fps. */
    static List<String> h264Stdin(int fps) {
        return List.of("-f", "h264", "-framerate", Integer.toString(fps), "-i", "-");
    }
}
