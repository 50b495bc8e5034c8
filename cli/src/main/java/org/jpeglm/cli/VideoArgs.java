package org.jpeglm.cli;

import java.io.PrintWriter;
import java.util.List;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine.Option;

/**
 * The option only video runs of generate and complete take (--scale), their checks, and what both print first and
 * keep in memory.
 */
final class VideoArgs {
    @Option(
            names = "--scale",
            paramLabel = "S",
            description =
                    "video models: pixels per frame pixel in the GIF previews and frame strips, 1 to 16 (default: "
                            + "${DEFAULT-VALUE})")
    int scale = 2;

    /** Checks --scale and that ffmpeg runs; called before the model is loaded or anything written. */
    void check() throws FfmpegException {
        if (scale < 1 || scale > 16) {
            throw new IllegalArgumentException("--scale must be 1 to 16, got " + scale);
        }
        requireFfmpeg();
    }

    /** Runs {@code ffmpeg -version}: a missing ffmpeg is said before the model loads, not after the first video. */
    static void requireFfmpeg() throws FfmpegException {
        Ffmpeg.system().run(List.of("-hide_banner", "-version"), new byte[0]);
    }

    /** Heap bytes one video keeps until the run ends: its decoded frames (3 bytes a pixel) and its stream. */
    static long bytesPerResult(VideoModel model) {
        VideoProfile p = model.profile();
        return 3L * p.pixelsPerFrame() * p.frames() + 4L * model.model().trainedContextLength() + 4096;
    }

    /** The first line: the model, its profile, the parallel count. */
    static void describe(PrintWriter err, VideoModel model, int parallel) {
        VideoProfile p = model.profile();
        err.printf(
                "%s: %s, %s %dx%d, %d frames at %d fps, QP %d, %d in parallel, unconstrained%n",
                model.model().path().getFileName(),
                model.model().description(),
                p.codec(),
                p.width(),
                p.height(),
                p.frames(),
                p.fps(),
                p.qp(),
                parallel);
        err.flush();
    }
}
