package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.jpeglm.avclm.VideoGenerator;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoFiles;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "score",
        sortOptions = false,
        description = {
            "Negative log-likelihood of images or videos under the model, as its codec says: bits per item and per byte.",
            "",
            "With a Jpeg-LM (jpeg) model: bits per image and bits per byte of the images' JPEG streams. With an Avc-LM "
                    + "(h264, video) model, the inputs are video files: each is read at the model's size and rate, encoded "
                    + "with its profile, and scored: bits per video and bits per byte of the H.264 streams. With a pixel "
                    + "(igpt, bpe-igpt) model: bits per image and bits per pixel (a byte of its streams is a pixel).",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm score --fashion-mnist 10000              # the bundled model's test-set bits per byte",
            "  jpeglm score a.png b.png -m model.gguf",
            "  jpeglm score --fashion-mnist 10000 -m igpt.gguf      # bits per pixel of a pixel model",
            "  jpeglm score clip.mp4 other.gif -m avc.gguf --each    # videos (its codec is h264)"
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
        modelArgs.check();
        ModelArgs.ChosenModel chosen = modelArgs.choose();
        chosen.refuseOthers(spec, InputImages.IMAGE_ONLY, List.of());
        if (chosen.video()) {
            return scoreVideos(chosen);
        }
        if (chosen.pixels()) {
            return scorePixels(chosen);
        }
        int n = inputs.count();
        Limits.requireCount("input images", n);
        GenerationOptions options = GenerationOptions.builder()
                .parallel(parallelArgs.forJobs(n))
                .threads(modelArgs.threadOptions())
                .build();
        try (ImageModel model = chosen.loadImage(err())) {
            List<BufferedImage> images = inputs.load(model.spec().profile());
            try (ImageGenerator g = model.newGenerator(options)) {
                scoreAll(
                        images.size(),
                        options.parallel(),
                        Items.IMAGES,
                        i -> "image " + i,
                        (from, to) -> g.score(images.subList(from, to)).stream()
                                .map(s -> new Score(s.bits(), s.bytes(), s.tokens()))
                                .toList());
            }
        }
        return 0;
    }

    /** Scores images with a pixel model (igpt, bpe-igpt): a byte of its streams is a pixel. */
    private int scorePixels(ModelArgs.ChosenModel chosen) throws Exception {
        int n = inputs.count();
        Limits.requireCount("input images", n);
        GenerationOptions options = GenerationOptions.builder()
                .parallel(parallelArgs.forJobs(n))
                .threads(modelArgs.threadOptions())
                .build();
        try (CodecModel<BufferedImage, GeneratedPixels> model = chosen.loadPixels(err());
                Generator<BufferedImage, GeneratedPixels> g = model.newGenerator(options)) {
            IgptProfile profile = PixelRuns.codec(model).profile();
            List<BufferedImage> images =
                    inputs.load(profile.width(), profile.height(), PixelRuns.bytesPerResult(profile));
            scoreAll(
                    images.size(),
                    options.parallel(),
                    Items.PIXELS,
                    i -> "image " + i,
                    (from, to) -> g.score(images.subList(from, to)).stream()
                            .map(s -> new Score(s.bits(), s.bytes(), s.tokens()))
                            .toList());
        }
        return 0;
    }

    /** Scores video files with a video model, -np of them per native call. */
    private int scoreVideos(ModelArgs.ChosenModel chosen) throws Exception {
        List<Path> files = inputs.paths();
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no input videos: give video files to score with a video model");
        }
        Limits.requireCount("input videos", files.size());
        VideoArgs.requireFfmpeg();
        GenerationOptions options = VideoModel.options()
                .parallel(parallelArgs.forJobs(files.size()))
                .threads(modelArgs.threadOptions())
                .build();
        try (VideoModel model = chosen.loadVideo(err());
                VideoGenerator g = model.newGenerator(options)) {
            VideoFiles reader = new VideoFiles();
            scoreAll(
                    files.size(),
                    options.parallel(),
                    Items.VIDEOS,
                    i -> "video " + i + " (" + files.get(i).getFileName() + ")",
                    (from, to) -> {
                        List<Video> videos = new ArrayList<>(to - from);
                        for (Path f : files.subList(from, to)) {
                            videos.add(reader.read(f, model.profile()));
                        }
                        return g.score(videos).stream()
                                .map(s -> new Score(s.bits(), s.bytes(), s.tokens()))
                                .toList();
                    });
        }
        return 0;
    }

    /** One item's score, whatever the codec. */
    private record Score(double bits, int bytes, int tokens) {}

    /** Scores the items [from, to), read or encoded as needed. */
    @FunctionalInterface
    private interface ChunkScorer {
        List<Score> score(int from, int to) throws IOException;
    }

    /**
     * Scores n items, chunk per native call: each is summed, printed with --each (named by label) and counted on the
     * progress bar; then the totals line.
     */
    private void scoreAll(int n, int chunk, Items items, IntFunction<String> label, ChunkScorer scorer)
            throws IOException {
        Totals totals = new Totals(items.symbol());
        try (Progress progress = new Progress(err(), "score", n, items.unit())) {
            for (int from = 0; from < n; from += chunk) {
                List<Score> scores = scorer.score(from, Math.min(n, from + chunk));
                for (int k = 0; k < scores.size(); k++) {
                    Score s = scores.get(k);
                    totals.add(s.bits(), s.bytes(), s.tokens());
                    if (each) {
                        out().printf(
                                        Locale.ROOT,
                                        "%s: %.1f bits, %d %ss, %.4f bits/%s%n",
                                        label.apply(from + k),
                                        s.bits(),
                                        s.bytes(),
                                        items.symbol(),
                                        s.bits() / s.bytes(),
                                        items.symbol());
                    }
                    progress.step(totals.progress());
                }
            }
        }
        out().println(totals.line(n, items.noun() + "s", items.noun()));
        out().flush();
    }

    /**
     * What is scored: noun and the progress bar's unit for messages, and what one byte of its streams is (a pixel
     * of a pixel model's).
     */
    private record Items(String noun, String unit, String symbol) {
        static final Items IMAGES = new Items("image", "img", "byte");
        static final Items PIXELS = new Items("image", "img", "pixel");
        static final Items VIDEOS = new Items("video", "video", "byte");
    }

    /** Sums of scores and the totals line, the same for images and videos. */
    private static final class Totals {
        final String symbol;
        double bits;
        long bytes;
        long tokens;

        Totals(String symbol) {
            this.symbol = symbol;
        }

        void add(double bits, long bytes, long tokens) {
            this.bits += bits;
            this.bytes += bytes;
            this.tokens += tokens;
        }

        String progress() {
            return String.format(Locale.ROOT, "%.4f bits/%s", bits / bytes, symbol);
        }

        String line(int n, String plural, String one) {
            return String.format(
                    Locale.ROOT,
                    "%d %s: %.4f bits/%s, %.1f bits/%s, %.4f nats/token (%d tokens, %d %ss)",
                    n,
                    plural,
                    bits / bytes,
                    symbol,
                    bits / n,
                    one,
                    bits * Math.log(2) / tokens,
                    tokens,
                    bytes,
                    symbol);
        }
    }
}
