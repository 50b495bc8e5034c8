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
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.GeneratorOptions;
import org.jpeglm.image.ImageEvent;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.PreviewPolicy;
import org.jpeglm.jpeg.ImageGrid;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.serve.ImageSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "generate",
        sortOptions = false,
        description = {
            "Generate images with a Jpeg-LM model: N images, written as PNG and JPEG files plus one PNG grid and summary.json.",
            "",
            "The output directory must be empty, or --force given: then an earlier run's image-*, grid.png and summary.json are "
                    + "deleted first (other files are kept). Images are written as they are done; summary.json is written first "
                    + "with \"complete\": false and rewritten at the end with \"complete\": true, so a run stopped midway says so "
                    + "and lists exactly the images it wrote. At most 1,000,000 images per run, and as many as the Java heap holds "
                    + "(they stay in memory until the end).",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm generate -n 16 -o images              # 16 images with the bundled model",
            "  jpeglm generate -m model.gguf -n 64 -np 16 --temp 0.9 --top-k 50 --seed 7 -o sampled",
            "  jpeglm generate -n 1000 --no-images -o stats  # statistics only",
            "  jpeglm generate -n 16 -o images --force      # replace the run in images",
            "  jpeglm generate -n 16 -np 8 --preview -o watched  # watch the images form (on a terminal)",
            "  jpeglm generate -n 2000 --no-images --eval -o q  # FID and the rest against the test set (jpeglm eval)"
        })
public final class GenerateCommand extends JpeglmCommand {
    /** Images in grid.png at most. */
    static final int GRID_IMAGES = 256;

    @Mixin
    ModelArgs modelArgs;

    @Mixin
    SamplingArgs sampling;

    @Option(
            names = {"-n", "--count"},
            paramLabel = "N",
            converter = Limits.CountConverter.class,
            description = "images to generate, 1 to 1000000 (default: ${DEFAULT-VALUE})")
    int count = 16;

    @Mixin
    ParallelArgs parallelArgs;

    @Mixin
    DeterministicArgs determinism;

    @Mixin
    OutputArgs outputArgs;

    @Mixin
    EvalArgs evalArgs;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            description = "tokens per image at most, 1 to the model's context (default: the model's context)")
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

    public GenerateCommand() {}

    @Override
    protected int run() throws Exception {
        Limits.requireCount("--count", count);
        modelArgs.check();
        int p = parallelArgs.forJobs(count);
        requirePositive("--max-tokens", maxTokens);
        requirePositive("--columns", columns);
        GeneratorOptions options = GeneratorOptions.builder()
                .parallel(p)
                .threads(modelArgs.threadOptions())
                .sampling(sampling.params())
                .seed(sampling.seed)
                .constrained(!sampling.unconstrained)
                .maxTokens(maxTokens == null ? 0 : maxTokens)
                .deterministic(determinism.deterministic)
                .build();
        try (RunOutput out = outputArgs.open();
                ImageModel model = modelArgs.load(err())) {
            Limits.requireHeap(count, Limits.bytesPerResult(model.spec().profile()), "generated images");
            try (ImageGenerator generator = model.newGenerator(options)) {
                requireMaxTokens(generator);
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
        try (Progress progress = new Progress(err(), "generate", count, "img", screen)) {
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
        return generator.generate(count, PreviewPolicy.every(1, Duration.ofMillis(50)), event -> {
            screen.onEvent(event);
            if (event instanceof ImageEvent.Finished f) {
                done.accept(f.image());
            }
        });
    }

    static void requirePositive(String option, Integer value) {
        if (value != null && value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
    }

    private void requireMaxTokens(ImageGenerator generator) {
        int most = generator.contextLength() - 1;
        if (maxTokens != null && maxTokens > most) {
            throw new IllegalArgumentException("--max-tokens " + maxTokens + " exceeds the model's context of "
                    + generator.contextLength() + " tokens: an image takes at most " + most);
        }
    }

    private ObjectNode header() {
        return JsonNodeFactory.instance
                .objectNode()
                .put("command", "generate")
                .put("requested", count)
                .put("constrained", !sampling.unconstrained)
                .put("deterministic", determinism.deterministic)
                .put("seed", sampling.seed);
    }

    private static ObjectNode entry(GeneratedImage img) {
        return ImageSummary.of(img);
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
