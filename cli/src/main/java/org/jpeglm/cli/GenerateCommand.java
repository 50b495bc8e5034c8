package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jpeglm.avclm.GeneratedVideo;
import org.jpeglm.avclm.VideoGenerator;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.ImageGrid;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "generate",
        sortOptions = false,
        description = {
            "Generate images or videos, as the model's codec says (jpeg: Jpeg-LM, h264: Avc-LM, igpt and bpe-igpt: "
                    + "images pixel by pixel).",
            "",
            "Images: N images, written as PNG and JPEG files plus one PNG grid and summary.json.",
            "",
            "The output directory must be empty, or --force given: then an earlier run's image-*, grid.png and summary.json are "
                    + "deleted first (other files are kept). Images are written as they are done; summary.json is written first "
                    + "with \"complete\": false and rewritten at the end with \"complete\": true, so a run stopped midway says so "
                    + "and lists exactly the images it wrote. At most 1,000,000 images per run, and as many as the Java heap holds "
                    + "(they stay in memory until the end).",
            "",
            "Videos: each is written as its H.264 stream (.h264: the model's stream up to its frames of the profile's "
                    + "count), an MP4 of that stream (remuxed, not re-encoded), an animated GIF and a PNG strip of its "
                    + "frames; plus grid.png (a row of frames per video, the first 64) and summary.json (the frames those "
                    + "files hold of the profile's, damage, tokens, bytes). Videos are sampled freely, as the paper samples "
                    + "them, and end at EOS or the token limit; each is decoded tolerantly by ffmpeg (damaged macroblocks "
                    + "concealed). A stream too damaged for an MP4 or for any frame has no .mp4 or no .gif/.png, and "
                    + "summary.json says so. Needs ffmpeg (PATH, $JPEGLM_FFMPEG or -Djpeglm.ffmpeg).",
            "",
            "Pixel images (an igpt or bpe-igpt model): written as PNG files plus grid.png and summary.json, as images "
                    + "are (no JPEG files); constrained, each stream is exactly the profile's width x height pixels.",
            "",
            "Options for one codec only (--unconstrained, --columns, --no-images, --preview for images; --scale for "
                    + "videos) are refused with a model of the other.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm generate -n 16 -o images              # 16 images with the bundled model",
            "  jpeglm generate -m model.gguf -n 64 -np 16 --temp 0.9 --top-k 50 --seed 7 -o sampled",
            "  jpeglm generate -n 1000 --no-images -o stats  # statistics only",
            "  jpeglm generate -n 16 -o images --force      # replace the run in images",
            "  jpeglm generate -n 16 -np 8 --preview -o watched  # watch the images form (on a terminal)",
            "  jpeglm generate -n 2000 --no-images --eval -o q  # FID and the rest against the test set (jpeglm eval)",
            "  jpeglm generate -m models/moving-fashion-mnist-64.gguf -n 8 -o video-run  # videos: its codec is h264",
            "  jpeglm generate -m igpt.gguf -n 64 -np 16 -o pixels  # an igpt or bpe-igpt model: PNGs"
        })
public class GenerateCommand extends JpeglmCommand {
    /** Images in grid.png at most. */
    static final int GRID_IMAGES = 256;

    /** Rows (videos) in grid.png at most. */
    static final int GRID_VIDEOS = 64;

    /** The options only image models take, and only video models. */
    private static final List<String> IMAGE_ONLY = List.of("--unconstrained", "--columns", "--no-images", "--preview");

    private static final List<String> VIDEO_ONLY = List.of("--scale");

    @Mixin
    ModelArgs modelArgs;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            converter = Limits.CountConverter.class,
            description = "images or videos to generate, 1 to 1000000 (default: 16 images, 8 videos)")
    Integer requested;

    @Mixin
    GenerationArgs generation;

    @Mixin
    OutputArgs outputArgs;

    @Mixin
    EvalArgs evalArgs;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            description = "tokens per image or video at most, 1 to the model's context (default: the model's context)")
    Integer maxTokens;

    @Option(
            names = "--columns",
            paramLabel = "N",
            description = "columns of the grid, at least 1 (default: about the square root of N)")
    Integer columns;

    @Option(
            names = "--no-images",
            description = "write only grid.png (the first 256 images) and summary.json, not every image")
    boolean noImages;

    @Option(
            names = "--preview",
            description = "on a terminal, draw the images forming above the progress bar (24-bit colour half "
                    + "blocks), scaled to fit the terminal; without a terminal nothing changes")
    boolean preview;

    @Mixin
    VideoArgs videoArgs;

    /** N: -n, or the codec's default. */
    private int count;

    public GenerateCommand() {}

    @Override
    protected int run() throws Exception {
        if (requested != null) {
            Limits.requireCount("--count", requested);
        }
        modelArgs.check();
        generation.parallelArgs.check();
        requirePositive("--max-tokens", maxTokens);
        requirePositive("--columns", columns);
        try (RunOutput out = outputArgs.open()) { // checked before the model is read: nothing written until start
            ModelArgs.ChosenModel chosen = modelArgs.choose();
            chosen.refuseOthers(spec, IMAGE_ONLY, VIDEO_ONLY);
            count = requested != null ? requested : chosen.video() ? 8 : 16;
            return chosen.video() ? videos(chosen, out) : chosen.pixels() ? pixels(chosen, out) : images(chosen, out);
        }
    }

    /** Images written pixel by pixel (igpt, bpe-igpt): a PNG each, grid.png and summary.json. */
    private int pixels(ModelArgs.ChosenModel chosen, RunOutput out) throws Exception {
        GenerationOptions options =
                generation.imageOptions(count, modelArgs.threadOptions(), maxTokens == null ? 0 : maxTokens);
        try (CodecModel<BufferedImage, GeneratedPixels> model = chosen.loadPixels(err());
                Generator<BufferedImage, GeneratedPixels> generator = model.newGenerator(options)) {
            IgptProfile profile = PixelRuns.codec(model).profile();
            Limits.requireHeap(count, PixelRuns.bytesPerResult(profile), "generated images");
            requireMaxTokens(generator.contextLength(), "an image");
            PixelRuns.describe(err(), model, options);
            out.start(header());
            BufferedImage[] grid = new BufferedImage[Math.min(count, GRID_IMAGES)];
            long started = System.nanoTime();
            List<GeneratedPixels> images;
            TerminalPreview screen = preview && Progress.isTerminal()
                    ? new TerminalPreview(
                            System.err, TerminalSize.current(), options.parallel(), profile.width(), profile.height())
                    : null;
            try (Progress progress = new Progress(err(), name(), count, "img", screen)) {
                Consumer<GeneratedPixels> done = p -> {
                    progress.step(PixelRuns.state(p));
                    if (p.index() < grid.length) {
                        grid[p.index()] = p.image();
                    }
                    out.add(
                            p.index(),
                            PixelRuns.entry(p),
                            PixelRuns.files(String.format("image-%04d", p.index()), p, !noImages));
                };
                images = screen == null
                        ? generator.generate(count, done)
                        : generator.generate(count, Previews.every(1, Duration.ofMillis(50)), event -> {
                            screen.onPixels(event);
                            if (event instanceof Event.Finished<GeneratedPixels> f) {
                                done.accept(f.result());
                            }
                        });
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            ObjectNode totals = JsonNodeFactory.instance
                    .objectNode()
                    .put("seconds", seconds)
                    .put("clean", PixelRuns.clean(images));
            totals.set("threads", ThreadSummary.json(generator.threads()));
            if (evalArgs.eval) {
                EvalArgs.measure(images.stream().map(GeneratedPixels::image).toList(), null, out(), totals, "quality");
            }
            int cols = columns != null ? columns : (int) Math.ceil(Math.sqrt(grid.length));
            out.finish(totals, ImageGrid.compose(Arrays.asList(grid), cols));
            out().println(PixelRuns.totals(
                    images, seconds, profile, out.dir().resolve(noImages ? RunOutput.GRID : "")));
            out().flush();
        }
        return 0;
    }

    private int images(ModelArgs.ChosenModel chosen, RunOutput out) throws Exception {
        GenerationOptions options =
                generation.imageOptions(count, modelArgs.threadOptions(), maxTokens == null ? 0 : maxTokens);
        int p = options.parallel();
        try (ImageModel model = chosen.loadImage(err())) {
            Limits.requireHeap(count, Limits.bytesPerResult(model.spec().profile()), "generated images");
            try (ImageGenerator generator = model.newGenerator(options)) {
                requireMaxTokens(generator.contextLength(), "an image");
                err().printf(
                                "%s: %s, %dx%d, %d in parallel, %s%n",
                                model.model().path().getFileName(),
                                model.model().description(),
                                model.spec().profile().width(),
                                model.spec().profile().height(),
                                p,
                                options.constrained() ? "constrained to valid JPEG" : "unconstrained");
                generate(generator, model.spec().profile(), out);
            }
        }
        return 0;
    }

    private int videos(ModelArgs.ChosenModel chosen, RunOutput out) throws Exception {
        videoArgs.check();
        GenerationOptions options =
                generation.videoOptions(count, modelArgs.threadOptions(), maxTokens == null ? 0 : maxTokens);
        try (VideoModel model = chosen.loadVideo(err())) {
            Limits.requireHeap(count, VideoArgs.bytesPerResult(model), "generated videos");
            try (VideoGenerator generator = model.newGenerator(options)) {
                requireMaxTokens(generator.contextLength(), "a video");
                VideoArgs.describe(err(), model, options.parallel());
                out.start(generation.header(name()).put("requested", count), "videos");
                VideoResults results = new VideoResults(model.profile(), videoArgs.scale);
                long started = System.nanoTime();
                List<GeneratedVideo> videos;
                try (Progress progress = new Progress(err(), name(), count, "video")) {
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
                List<Video> rows = videos.subList(0, Math.min(videos.size(), GRID_VIDEOS)).stream()
                        .map(GeneratedVideo::video)
                        .toList();
                out.finish(totals, results.strip(rows));
                report(videos, seconds, model.profile(), out);
            }
        }
        return 0;
    }

    /** The name this command was run by: generate, or its alias generate-video (summary.json and the progress bar say it). */
    private String name() {
        return spec.name();
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

    private void generate(ImageGenerator generator, JpegProfile profile, RunOutput out) throws Exception {
        out.start(header());
        BufferedImage[] grid = new BufferedImage[Math.min(count, GRID_IMAGES)];
        List<GeneratedImage> images;
        long started = System.nanoTime();
        TerminalPreview screen = preview && Progress.isTerminal()
                ? new TerminalPreview(
                        System.err,
                        TerminalSize.current(),
                        generator.options().parallel(),
                        profile.width(),
                        profile.height())
                : null;
        try (Progress progress = new Progress(err(), name(), count, "img", screen)) {
            Consumer<GeneratedImage> done = img -> {
                progress.step(img.clean() ? "clean" : "repaired");
                if (img.index() < grid.length) {
                    grid[img.index()] = img.image();
                }
                out.add(img.index(), entry(img), files(img));
            };
            images = screen != null ? generateWithPreview(generator, screen, done) : generator.generate(count, done);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int cols = columns != null ? columns : (int) Math.ceil(Math.sqrt(grid.length));
        long clean = images.stream().filter(GeneratedImage::clean).count();
        long decodable = images.stream().filter(i -> i.repair().decodable()).count();
        ObjectNode totals = JsonNodeFactory.instance
                .objectNode()
                .put("seconds", seconds)
                .put("clean", clean)
                .put("decodable", decodable);
        totals.set("threads", ThreadSummary.json(generator.threads()));
        if (evalArgs.eval) {
            EvalArgs.measure(images.stream().map(GeneratedImage::image).toList(), null, out(), totals, "quality");
        }
        out.finish(totals, ImageGrid.compose(Arrays.asList(grid), cols));
        long tokens = images.stream().mapToLong(GeneratedImage::tokens).sum();
        out().printf(
                        Locale.ROOT,
                        "%d images in %.1f s (%.2f images/s, %.0f tokens/s); %d clean (%.1f%%), %d decodable as written "
                                + "(%.1f%%), %d repaired; wrote %s%n",
                        images.size(),
                        seconds,
                        images.size() / seconds,
                        tokens / seconds,
                        clean,
                        100.0 * clean / images.size(),
                        decodable,
                        100.0 * decodable / images.size(),
                        images.size() - clean,
                        out.dir().resolve(noImages ? RunOutput.GRID : ""));
        out().flush();
    }

    /** Generates with a preview every MCU (at most every 50 ms per image) drawn on the terminal. */
    private List<GeneratedImage> generateWithPreview(
            ImageGenerator generator, TerminalPreview screen, Consumer<GeneratedImage> done) {
        return generator.generate(count, Previews.every(1, Duration.ofMillis(50)), event -> {
            screen.onEvent(event);
            if (event instanceof Event.Finished<GeneratedImage> f) {
                done.accept(f.result());
            }
        });
    }

    static void requirePositive(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }

    /** Refuses a --max-tokens beyond a context of contextLength tokens; what names the result ("an image"). */
    private void requireMaxTokens(int contextLength, String what) {
        requireMaxTokens(maxTokens, contextLength, what);
    }

    /** Refuses maxTokens (--max-tokens, null if not given) beyond a context of contextLength tokens. */
    static void requireMaxTokens(Integer maxTokens, int contextLength, String what) {
        int most = contextLength - 1;
        if (maxTokens != null && maxTokens > most) {
            throw new IllegalArgumentException("--max-tokens " + maxTokens + " exceeds the model's context of "
                    + contextLength + " tokens: " + what + " takes at most " + most);
        }
    }

    private ObjectNode header() {
        return JsonNodeFactory.instance
                .objectNode()
                .put("command", name())
                .put("requested", count)
                .put("constrained", !generation.sampling.unconstrained)
                .put("deterministic", generation.determinism.deterministic)
                .put("seed", generation.sampling.seed);
    }

    private static ObjectNode entry(GeneratedImage img) {
        return RunOutput.entry(img);
    }

    private Map<String, Supplier<byte[]>> files(GeneratedImage img) {
        Map<String, Supplier<byte[]>> files = new LinkedHashMap<>();
        if (!noImages) {
            files.put(String.format("image-%04d.png", img.index()), RunOutput.png(img.image()));
            files.put(String.format("image-%04d.jpg", img.index()), img::jpeg);
        }
        return files;
    }
}
