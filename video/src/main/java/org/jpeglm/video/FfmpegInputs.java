package org.jpeglm.video;

import java.nio.file.Path;
import java.util.List;

/**
 * The ffmpeg input and output options this package uses, written once. A file is always named to ffmpeg as
 * {@code file:} and its absolute path, and read with only the file protocol allowed: no file name can make ffmpeg
 * read another protocol ({@code concat:a|b}, {@code pipe:0}, {@code http:}, {@code subfile,,...:}), and a playlist
 * or reference inside the file cannot reach the network or another process.
 */
final class FfmpegInputs {
    /** Options before the inputs: quiet but for errors. */
    static final List<String> QUIET = List.of("-hide_banner", "-loglevel", "error");

    private FfmpegInputs() {}

    /** The name ffmpeg is given for file: its absolute path behind the file protocol's prefix. */
    static String file(Path file) {
        return "file:" + file.toAbsolutePath();
    }

    /** "-i" for a file on disk, through the file protocol alone. */
    static List<String> fileInput(Path file) {
        return List.of("-protocol_whitelist", "file", "-i", file(file));
    }

    /** "-i" for standard input. */
    static List<String> stdin() {
        return List.of("-i", "-");
    }

    /** The name ffmpeg is given for an output file (written through the file protocol). */
    static String fileOutput(Path file) {
        return file(file);
    }

    /** The input options of raw rgb24 frames of w×h at fps (the input follows: {@link #stdin()}, {@link #fileInput}). */
    static List<String> rawRgb24(int w, int h, int fps) {
        return List.of(
                "-f",
                "rawvideo",
                "-pix_fmt",
                RawFrames.PIXEL_FORMAT,
                "-s",
                w + "x" + h,
                "-framerate",
                Integer.toString(fps));
    }

    /** A raw Annex-B H.264 stream on standard input, timed at fps. */
    static List<String> h264Stdin(int fps) {
        return List.of("-f", "h264", "-framerate", Integer.toString(fps), "-i", "-");
    }
}
