package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.avclm.VideoGenerator;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.avclm.VideoOptions;
import org.jpeglm.eval.QualityMetric;
import org.jpeglm.eval.RealImages;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoFiles;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "complete-video",
        sortOptions = false,
        description = {
            "Complete videos from their first frames: each input is read at the model's size and rate, encoded with the "
                    + "model's profile, and the bytes of its first K frames are the prompt, kept byte for byte; the model "
                    + "writes the rest.",
            "",
            "Writes completion-I-S.h264/.mp4/.gif/.png (input I, sample S; as generate-video writes a video), grid.png (per "
                    + "input, the first 16: a row of the input's frames, then a row per completion, the first 7) and "
                    + "summary.json. The output directory must be empty, or --force given; an input is never an output. "
                    + "Needs ffmpeg.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm complete-video --input clip.mp4 --frames 5 -o video-completions",
            "  jpeglm complete-video -m avc.gguf --input a.mp4 --input b.gif --frames 3 --samples 4 -o avc-completions",
            "  jpeglm complete-video --moving-fashion-mnist 300 --frames 5 --eval -o cv  # frames 6-15 measured"
        })
public final class CompleteVideoCommand extends JpeglmCommand {
    static final int GRID_INPUTS = 16;
    static final int GRID_SAMPLES = 7;

    @Mixin
    ModelArgs modelArgs;

    @Option(
            names = {"-i", "--input"},
            paramLabel = "VIDEO",
            description = "a video file ffmpeg reads (MP4, GIF, WebM, .h264, ...); repeat for several")
    List<Path> inputs = new ArrayList<>();

    @Option(
            names = "--moving-fashion-mnist",
            paramLabel = "N",
            description = "also complete the first N test videos of moving Fashion-MNIST (the bundled video model's "
                    + "test data, train/make-bundled-video-model), 1 to " + QualityMetric.TEST_VIDEO_COUNT)
    int testVideos;

    @Option(
            names = {"-k", "--frames"},
            paramLabel = "K",
            required = true,
            description = "frames of each input given as the prompt, 1 to the model's frames - 1")
    int frames;

    @Option(
            names = "--samples",
            paramLabel = "S",
            converter = Limits.CountConverter.class,
            description = "completions per input, 1 to 1000000 (default: ${DEFAULT-VALUE})")
    int samples = 1;

    @Mixin
    OutputArgs outputArgs;

    @Mixin
    EvalArgs evalArgs;

    @Mixin
    VideoArgs videoArgs;

    public CompleteVideoCommand() {}

    @Override
    protected int run() throws Exception {
        Limits.requireCount("--samples", samples);
        if (testVideos < 0 || testVideos > QualityMetric.TEST_VIDEO_COUNT) {
            throw new IllegalArgumentException(
                    "--moving-fashion-mnist must be 1 to " + QualityMetric.TEST_VIDEO_COUNT + ", got " + testVideos);
        }
        int count = inputs.size() + testVideos;
        if (count == 0) {
            throw new IllegalArgumentException("no input videos: give --input VIDEO or --moving-fashion-mnist N");
        }
        long jobs = (long) count * samples;
        Limits.requireCount(count + " inputs x --samples " + samples, jobs);
        modelArgs.check();
        videoArgs.check();
        VideoOptions options = videoArgs.options(jobs, modelArgs.threadOptions());
        try (RunOutput out = outputArgs.open();
                VideoModel model = modelArgs.loadVideo(err())) {
            out.requireNotOutputs(inputs);
            VideoProfile profile = model.profile();
            if (frames < 1 || frames >= profile.frames()) {
                throw new IllegalArgumentException("--frames must be 1 to " + (profile.frames() - 1) + " (the model's "
                        + "videos have " + profile.frames() + " frames), got " + frames);
            }
            Limits.requireHeap(jobs + count, VideoArgs.bytesPerResult(model), "videos");
            List<Video> originals = read(profile);
            List<Video> prompts = new ArrayList<>((int) jobs);
            for (Video v : originals) {
                for (int s = 0; s < samples; s++) {
                    prompts.add(v);
                }
            }
            try (VideoGenerator g = model.newGenerator(options)) {
                videoArgs.requireMaxTokens(g);
                VideoArgs.describe(err(), model, options.parallel());
                complete(g, out, originals, prompts);
            }
        }
        return 0;
    }

    /** Each input at the model's size and rate; one shorter than the prompt is refused, named. */
    private List<Video> read(VideoProfile profile) throws IOException {
        VideoFiles files = new VideoFiles();
        List<Video> videos = new ArrayList<>();
        for (Path input : inputs) {
            Video v = files.read(input, profile);
            if (v.frameCount() <= frames) {
                throw new IllegalArgumentException(input + " has " + v.frameCount() + " frames at " + profile.fps()
                        + " fps: the prompt of --frames " + frames + " leaves nothing to complete");
            }
            videos.add(v);
        }
        videos.addAll(RealImages.movingFashionMnist(false, 0, testVideos));
        return videos;
    }

    private void complete(VideoGenerator g, RunOutput out, List<Video> originals, List<Video> prompts)
            throws Exception {
        out.start(
                videoArgs
                        .header("complete-video")
                        .put("inputs", originals.size())
                        .put("samples", samples)
                        .put("frames", frames)
                        .put("requested", prompts.size()),
                "videos");
        VideoResults results = new VideoResults(g.profile(), videoArgs.scale);
        long started = System.nanoTime();
        List<GeneratedVideo> done;
        try (Progress progress = new Progress(err(), "complete-video", prompts.size(), "video")) {
            done = g.complete(prompts, frames, v -> {
                progress.step(v.report().decodedFrames() + "/" + v.report().expectedFrames() + " frames");
                var entry = VideoResults.entry(v)
                        .put("input", v.index() / samples)
                        .put("sample", v.index() % samples)
                        .put("prompt_tokens", v.promptTokens())
                        .put("prompt_bytes", v.promptBytes());
                String name = String.format("completion-%04d-%d", v.index() / samples, v.index() % samples);
                out.add(v.index(), entry, results.files(name, v, entry));
            });
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        ObjectNode totals = VideoResults.totals(done, seconds);
        if (evalArgs.eval) {
            EvalArgs.measureVideos(done, frames, out(), totals);
        }
        out.finish(totals, grid(originals, done, results));
        long clean = VideoResults.clean(done);
        out().printf(
                        Locale.ROOT,
                        "%d completions from %d frames in %.1f s; %d clean: all %d frames decode without damage; grid "
                                + "rows: input, then its completions; wrote %s%n",
                        done.size(),
                        frames,
                        seconds,
                        clean,
                        g.profile().frames(),
                        out.dir());
        out().flush();
    }

    /** Per input (the first {@link #GRID_INPUTS}): its frames, then a row per completion (the first few). */
    private BufferedImage grid(List<Video> originals, List<GeneratedVideo> done, VideoResults results) {
        List<Video> rows = new ArrayList<>();
        for (int i = 0; i < Math.min(originals.size(), GRID_INPUTS); i++) {
            rows.add(originals.get(i));
            for (int s = 0; s < Math.min(samples, GRID_SAMPLES); s++) {
                rows.add(done.get(i * samples + s).video());
            }
        }
        return results.strip(rows);
    }
}
