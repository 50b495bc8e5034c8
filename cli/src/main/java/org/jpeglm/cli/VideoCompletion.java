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
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.eval.QualityMetric;
import org.jpeglm.eval.RealImages;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoFiles;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine;

/**
 * {@code complete} with a video model: each input read at the model's size and rate and encoded with its profile,
 * its first --frames frames' bytes the prompt; the files as generate writes a video's, a grid of inputs and their
 * completions, and summary.json.
 */
final class VideoCompletion {
    static final int GRID_INPUTS = 16;
    static final int GRID_SAMPLES = 7;

    private final CompleteCommand command;
    private final ModelArgs.ChosenModel chosen;
    private final List<Path> inputs;
    private final int testVideos;
    private final int frames;
    private final int samples;

    VideoCompletion(CompleteCommand command, ModelArgs.ChosenModel chosen) {
        this.command = command;
        this.chosen = chosen;
        this.inputs = command.inputs.paths();
        this.testVideos = command.testVideos;
        if (command.frames == null) {
            throw new CommandLine.ParameterException(
                    command.spec.commandLine(),
                    "--frames K is required with " + chosen.path.getFileName() + ", " + chosen.kind()
                            + ": the frames of each input given as the prompt");
        }
        this.frames = command.frames;
        this.samples = command.samples;
    }

    /** Completes the inputs with the chosen video model; returns the exit code. */
    int run(RunOutput out) throws Exception {
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
        GenerateCommand.requirePositive("--max-tokens", command.maxTokens);
        command.videoArgs.check();
        GenerationOptions options = command.generation.videoOptions(
                jobs, command.modelArgs.threadOptions(), command.maxTokens == null ? 0 : command.maxTokens);
        try (VideoModel model = chosen.loadVideo(command.err())) {
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
                GenerateCommand.requireMaxTokens(command.maxTokens, g.contextLength(), "a video");
                VideoArgs.describe(command.err(), model, options.parallel());
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
                command.generation
                        .header(command.spec.name())
                        .put("inputs", originals.size())
                        .put("samples", samples)
                        .put("frames", frames)
                        .put("requested", prompts.size()),
                "videos");
        VideoResults results = new VideoResults(g.profile(), command.videoArgs.scale);
        long started = System.nanoTime();
        List<GeneratedVideo> done;
        try (Progress progress = new Progress(command.err(), command.spec.name(), prompts.size(), "video")) {
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
        if (command.evalArgs.eval) {
            EvalArgs.measureVideos(done, frames, command.out(), totals);
        }
        out.finish(totals, grid(originals, done, results));
        long clean = VideoResults.clean(done);
        command.out()
                .printf(
                        Locale.ROOT,
                        "%d completions from %d frames in %.1f s; %d clean: all %d frames decode without damage; grid "
                                + "rows: input, then its completions; wrote %s%n",
                        done.size(),
                        frames,
                        seconds,
                        clean,
                        g.profile().frames(),
                        out.dir());
        command.out().flush();
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
