package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import org.jpeglm.ThreadOptions;
import org.jpeglm.avclm.VideoGenerator;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.avclm.VideoOptions;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options generate-video and complete-video share (sampling, -np, --deterministic, --max-tokens, --scale), their
 * checks, and what both print and record first.
 */
final class VideoArgs {
    @Mixin
    TokenSamplingArgs sampling;

    @Mixin
    ParallelArgs parallelArgs;

    @Mixin
    DeterministicArgs determinism;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            description = "tokens per video at most, 1 to the model's context (default: the model's context)")
    Integer maxTokens;

    @Option(
            names = "--scale",
            paramLabel = "S",
            description =
                    "pixels per frame pixel in the GIF previews and frame strips, 1 to 16 (default: ${DEFAULT-VALUE})")
    int scale = 2;

    /** Checks the options and that ffmpeg runs; called before anything is loaded or written. */
    void check() throws FfmpegException {
        GenerateCommand.requirePositive("--max-tokens", maxTokens);
        if (scale < 1 || scale > 16) {
            throw new IllegalArgumentException("--scale must be 1 to 16, got " + scale);
        }
        requireFfmpeg();
    }

    /** Runs {@code ffmpeg -version}: a missing ffmpeg is said before the model loads, not after the first video. */
    static void requireFfmpeg() throws FfmpegException {
        Ffmpeg.system().run(List.of("-hide_banner", "-version"), new byte[0]);
    }

    /** The options of a run of jobs videos with these thread settings. */
    VideoOptions options(long jobs, ThreadOptions threads) {
        return VideoOptions.builder()
                .deterministic(determinism.deterministic)
                .parallel(parallelArgs.forJobs(jobs))
                .threads(threads)
                .sampling(sampling.params())
                .seed(sampling.seed)
                .maxTokens(maxTokens == null ? 0 : maxTokens)
                .build();
    }

    void requireMaxTokens(VideoGenerator generator) {
        int most = generator.contextLength() - 1;
        if (maxTokens != null && maxTokens > most) {
            throw new IllegalArgumentException("--max-tokens " + maxTokens + " exceeds the model's context of "
                    + generator.contextLength() + " tokens: a video takes at most " + most);
        }
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

    /** summary.json's first fields. */
    ObjectNode header(String command) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("command", command)
                .put("seed", sampling.seed)
                .put("deterministic", determinism.deterministic);
    }
}
