package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jpeglm.avclm.VideoGenerator;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.avclm.VideoOptions;
import org.jpeglm.avclm.VideoScore;
import org.jpeglm.image.GeneratorOptions;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ImageScore;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "score",
        sortOptions = false,
        description = {
            "Negative log-likelihood of images under a Jpeg-LM model: bits per image and bits per byte of their JPEG streams.",
            "",
            "With an Avc-LM (video) model, the inputs are video files: each is read at the model's size and rate, encoded "
                    + "with its profile, and scored: bits per video and bits per byte of the H.264 streams.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm score --fashion-mnist 10000              # the bundled model's test-set bits per byte",
            "  jpeglm score a.png b.png -m model.gguf",
            "  jpeglm score clip.mp4 other.gif -m avc.gguf --each    # videos"
        })
public final class ScoreCommand extends JpeglmCommand {
    @Mixin
    ModelArgs modelArgs;

    @Mixin
    InputImages inputs;

    @Mixin
    ParallelArgs parallelArgs;

    @Option(names = "--each", description = "print every image's (or video's) score, not only the totals")
    boolean each;

    public ScoreCommand() {}

    @Override
    protected int run() throws Exception {
        if (modelArgs.isVideoModel()) {
            return scoreVideos();
        }
        int n = inputs.count();
        Limits.requireCount("input images", n);
        modelArgs.check();
        GeneratorOptions options = GeneratorOptions.builder()
                .parallel(parallelArgs.forJobs(n))
                .threads(modelArgs.threads)
                .build();
        try (ImageModel model = modelArgs.load(err())) {
            List<BufferedImage> images = inputs.load(model.spec().profile());
            Totals totals = new Totals();
            try (ImageGenerator g = model.newGenerator(options);
                    Progress progress = new Progress(err(), "score", images.size(), "img")) {
                int chunk = options.parallel();
                for (int from = 0; from < images.size(); from += chunk) {
                    List<ImageScore> scores = g.score(images.subList(from, Math.min(images.size(), from + chunk)));
                    for (int k = 0; k < scores.size(); k++) {
                        ImageScore s = scores.get(k);
                        totals.add(s.bits(), s.bytes(), s.tokens());
                        if (each) {
                            out().printf(
                                            Locale.ROOT,
                                            "image %d: %.1f bits, %d bytes, %.4f bits/byte%n",
                                            from + k,
                                            s.bits(),
                                            s.bytes(),
                                            s.bitsPerByte());
                        }
                        progress.step(totals.progress());
                    }
                }
            }
            out().println(totals.line(images.size(), "images", "image"));
            out().flush();
        }
        return 0;
    }

    /** Scores video files with a video model, -np of them per native call. */
    private int scoreVideos() throws Exception {
        List<Path> files = inputs.videoFiles();
        Limits.requireCount("input videos", files.size());
        modelArgs.check();
        VideoArgs.requireFfmpeg();
        VideoOptions options = VideoOptions.builder()
                .parallel(parallelArgs.forJobs(files.size()))
                .threads(modelArgs.threads)
                .build();
        try (VideoModel model = modelArgs.loadAsVideo(err());
                VideoGenerator g = model.newGenerator(options)) {
            VideoFiles reader = new VideoFiles();
            Totals totals = new Totals();
            try (Progress progress = new Progress(err(), "score", files.size(), "video")) {
                int chunk = options.parallel();
                for (int from = 0; from < files.size(); from += chunk) {
                    List<Video> videos = new ArrayList<>(chunk);
                    for (Path f : files.subList(from, Math.min(files.size(), from + chunk))) {
                        videos.add(reader.read(f, model.profile()));
                    }
                    List<VideoScore> scores = g.score(videos);
                    for (int k = 0; k < scores.size(); k++) {
                        VideoScore s = scores.get(k);
                        totals.add(s.bits(), s.bytes(), s.tokens());
                        if (each) {
                            out().printf(
                                            Locale.ROOT,
                                            "video %d (%s): %.1f bits, %d bytes, %.4f bits/byte%n",
                                            from + k,
                                            files.get(from + k).getFileName(),
                                            s.bits(),
                                            s.bytes(),
                                            s.bitsPerByte());
                        }
                        progress.step(totals.progress());
                    }
                }
            }
            out().println(totals.line(files.size(), "videos", "video"));
            out().flush();
        }
        return 0;
    }

    /** Sums of scores and the totals line, the same for images and videos. */
    private static final class Totals {
        double bits;
        long bytes;
        long tokens;

        void add(double bits, long bytes, long tokens) {
            this.bits += bits;
            this.bytes += bytes;
            this.tokens += tokens;
        }

        String progress() {
            return String.format(Locale.ROOT, "%.4f bits/byte", bits / bytes);
        }

        String line(int n, String plural, String one) {
            return String.format(
                    Locale.ROOT,
                    "%d %s: %.4f bits/byte, %.1f bits/%s, %.4f nats/token (%d tokens, %d bytes)",
                    n,
                    plural,
                    bits / bytes,
                    bits / n,
                    one,
                    bits * Math.log(2) / tokens,
                    tokens,
                    bytes);
        }
    }
}
