package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.avclm.VideoGenerator;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.avclm.VideoOptions;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "generate-video",
        sortOptions = false,
        description = {
            "Generate videos with an Avc-LM model: N videos, each written as its H.264 stream (.h264: the model's "
                    + "stream up to its frames of the profile's count), an MP4 of that stream (remuxed, not re-encoded), an "
                    + "animated GIF and a PNG strip of its frames; plus grid.png (a row of frames per video, the first 64) "
                    + "and summary.json (the frames those files hold of the profile's, damage, tokens, bytes).",
            "",
            "Videos are sampled freely, as the paper samples them, and end at EOS or the token limit; each is decoded "
                    + "tolerantly by ffmpeg (damaged macroblocks concealed). A stream too damaged for an MP4 or for any "
                    + "frame has no .mp4 or no .gif/.png, and summary.json says so. The output directory must be empty, or "
                    + "--force given. Needs ffmpeg (PATH, $JPEGLM_FFMPEG or -Djpeglm.ffmpeg).",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm generate-video -n 8 -o videos                 # 8 videos with the bundled video model",
            "  jpeglm generate-video -m avc.gguf -n 64 -np 16 --temp 0.9 --seed 7 -o avc-videos"
        })
public final class GenerateVideoCommand extends JpeglmCommand {
    /** Rows (videos) in grid.png at most. */
    static final int GRID_VIDEOS = 64;

    @Mixin
    ModelArgs modelArgs;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            converter = Limits.CountConverter.class,
            description = "videos to generate, 1 to 1000000 (default: ${DEFAULT-VALUE})")
    int count = 8;

    @Mixin
    OutputArgs outputArgs;

    @Mixin
    EvalArgs evalArgs;

    @Mixin
    VideoArgs videoArgs;

    public GenerateVideoCommand() {}

    @Override
    protected int run() throws Exception {
        Limits.requireCount("--count", count);
        modelArgs.check();
        videoArgs.check();
        VideoOptions options = videoArgs.options(count, modelArgs.threadOptions());
        try (RunOutput out = outputArgs.open();
                VideoModel model = modelArgs.loadVideo(err())) {
            Limits.requireHeap(count, VideoArgs.bytesPerResult(model), "generated videos");
            try (VideoGenerator generator = model.newGenerator(options)) {
                videoArgs.requireMaxTokens(generator);
                VideoArgs.describe(err(), model, options.parallel());
                out.start(videoArgs.header("generate-video").put("requested", count), "videos");
                VideoResults results = new VideoResults(model.profile(), videoArgs.scale);
                long started = System.nanoTime();
                List<GeneratedVideo> videos;
                try (Progress progress = new Progress(err(), "generate-video", count, "video")) {
                    videos = generator.generate(count, v -> {
                        progress.step(
                                v.report().decodedFrames() + "/" + v.report().expectedFrames() + " frames");
                        var entry = VideoResults.entry(v);
                        out.add(v.index(), entry, results.files(String.format("video-%04d", v.index()), v, entry));
                    });
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                ObjectNode totals = VideoResults.totals(videos, seconds);
                totals.set("threads", ThreadSummary.json(generator.threads()));
                if (evalArgs.eval) {
                    EvalArgs.measureVideos(videos, 0, out(), totals);
                }
                out.finish(totals, grid(videos, results));
                report(videos, seconds, model.profile(), out);
            }
        }
        return 0;
    }

    /** The first {@link #GRID_VIDEOS} videos' frames, a row each (null when none decoded a frame). */
    private static BufferedImage grid(List<GeneratedVideo> videos, VideoResults results) {
        List<Video> rows = new ArrayList<>();
        for (GeneratedVideo v : videos.subList(0, Math.min(videos.size(), GRID_VIDEOS))) {
            rows.add(v.video());
        }
        return results.strip(rows);
    }

    private void report(List<GeneratedVideo> videos, double seconds, VideoProfile profile, RunOutput out) {
        long clean = VideoResults.clean(videos);
        long tokens = videos.stream().mapToLong(GeneratedVideo::tokens).sum();
        long bytes = videos.stream().mapToLong(v -> v.stream().length).sum();
        out().printf(
                        Locale.ROOT,
                        "%d videos in %.1f s (%.3f videos/s, %.0f tokens/s); %d clean: all %d frames decode without "
                                + "damage (%.1f%%); %.0f tokens, %.0f bytes per video; wrote %s%n",
                        videos.size(),
                        seconds,
                        videos.size() / seconds,
                        tokens / seconds,
                        clean,
                        profile.frames(),
                        100.0 * clean / videos.size(),
                        (double) tokens / videos.size(),
                        (double) bytes / videos.size(),
                        out.dir());
        out().flush();
    }
}
