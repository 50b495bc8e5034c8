package org.jpeglm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.eval.QualityMetric;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.ImageGrid;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "complete",
        sortOptions = false,
        description = {
            "Complete images from their top part, or videos from their first frames, as the model's codec says.",
            "",
            "Images (a jpeg model): the first ratio of their MCUs is the prompt, kept byte for byte. Pixel images (an "
                    + "igpt or bpe-igpt model): the first ratio of their rows, likewise; completion-I-K.png only.",
            "",
            "Writes completion-I-K.png/.jpg (input I, sample K), grid.png (a row per input, the first 64: the original, the "
                    + "prompt, then the first 14 completions) and summary.json. The output directory must be empty, or --force "
                    + "given: then an earlier run's files are deleted first (other files are kept). summary.json is written "
                    + "first with \"complete\": false and rewritten at the end with \"complete\": true. At most 1,000,000 "
                    + "completions (inputs x --samples) per run, and as many as the Java heap holds.",
            "",
            "Videos (an h264 model): each input is read at the model's size and rate, encoded with the model's profile, "
                    + "and the bytes of its first K frames (--frames) are the prompt, kept byte for byte; the model writes "
                    + "the rest. Writes completion-I-S.h264/.mp4/.gif/.png (as generate writes a video), grid.png (per "
                    + "input, the first 16: a row of the input's frames, then a row per completion, the first 7) and "
                    + "summary.json. Needs ffmpeg.",
            "",
            "Options for one codec only (--ratio, --fashion-mnist, --offset, --unconstrained for images; --frames, "
                    + "--moving-fashion-mnist, --max-tokens, --scale for videos) are refused with a model of the other.",
            ""
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm complete --fashion-mnist 8 --ratio 0.5 -o completions",
            "  jpeglm complete -m igpt.gguf --fashion-mnist 8 --ratio 0.5 -o pixel-completions",
            "  jpeglm complete photo.png --ratio 0.25 --samples 4 -m model.gguf -o photo-completions",
            "  jpeglm complete --fashion-mnist 1000 --ratio 0.5 --eval -o c   # measured against the test set and the originals",
            "  jpeglm complete -m models/moving-fashion-mnist-64.gguf clip.mp4 --frames 5 -o clip-completions"
        })
public class CompleteCommand extends JpeglmCommand {
    /** Rows (inputs) and completions per row in grid.png at most. */
    static final int GRID_ROWS = 64;

    static final int GRID_SAMPLES = 14;

    /** The options only image models take, and only video models. */
    private static final List<String> IMAGE_ONLY = Stream.concat(
                    Stream.of("--ratio", "--unconstrained"), InputImages.IMAGE_ONLY.stream())
            .toList();

    private static final List<String> VIDEO_ONLY =
            List.of("--frames", "--moving-fashion-mnist", "--max-tokens", "--scale");

    @Mixin
    ModelArgs modelArgs;

    @Mixin
    InputImages inputs;

    @Option(
            names = {"-r", "--ratio"},
            paramLabel = "R",
            description =
                    "image models: share of each image's MCUs (pixel models: rows) given as the prompt, 0..1 (default: "
                            + "${DEFAULT-VALUE})")
    double ratio = 0.5;

    @Option(
            names = {"-k", "--frames"},
            paramLabel = "K",
            description = "video models (required): frames of each input given as the prompt, 1 to the model's "
                    + "frames - 1")
    Integer frames;

    @Option(
            names = "--moving-fashion-mnist",
            paramLabel = "N",
            description = "video models: also complete the first N test videos of moving Fashion-MNIST (the bundled "
                    + "video model's test data, train/make-bundled-video-model), 1 to "
                    + QualityMetric.TEST_VIDEO_COUNT)
    int testVideos;

    @Option(
            names = "--samples",
            paramLabel = "K",
            converter = Limits.CountConverter.class,
            description = "completions per input, 1 to 1000000 (default: ${DEFAULT-VALUE})")
    int samples = 1;

    @Mixin
    GenerationArgs generation;

    @Mixin
    OutputArgs outputArgs;

    @Mixin
    EvalArgs evalArgs;

    @Option(
            names = "--max-tokens",
            paramLabel = "N",
            description = "video models: tokens per video at most, 1 to the model's context (default: the model's "
                    + "context)")
    Integer maxTokens;

    @Mixin
    VideoArgs videoArgs;

    public CompleteCommand() {}

    @Override
    protected int run() throws Exception {
        Limits.requireCount("--samples", samples);
        modelArgs.check();
        generation.parallelArgs.check();
        try (RunOutput out = outputArgs.open()) { // checked before the model is read: nothing written until start
            ModelArgs.ChosenModel chosen = modelArgs.choose();
            chosen.refuseOthers(spec, IMAGE_ONLY, VIDEO_ONLY);
            if (chosen.video()) {
                return new VideoCompletion(this, chosen).run(out);
            }
            return chosen.pixels() ? pixels(chosen, out) : images(chosen, out);
        }
    }

    /** --ratio must be a share. */
    private void requireRatio() {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("--ratio must be between 0 and 1, got " + ratio);
        }
    }

    /** The inputs, each repeated --samples times in a row: the prompts of the completions. */
    private List<BufferedImage> prompts(List<BufferedImage> originals) {
        List<BufferedImage> prompts = new ArrayList<>(originals.size() * samples);
        for (BufferedImage img : originals) {
            for (int k = 0; k < samples; k++) {
                prompts.add(img);
            }
        }
        return prompts;
    }

    /** Completes images with a pixel model (igpt, bpe-igpt): the first ratio of the rows is the prompt. */
    private int pixels(ModelArgs.ChosenModel chosen, RunOutput out) throws Exception {
        requireRatio();
        int n = inputs.count();
        long jobs = (long) n * samples;
        Limits.requireCount(n + " inputs x --samples " + samples, jobs);
        GenerationOptions options = generation.imageOptions(jobs, modelArgs.threadOptions(), 0);
        try (CodecModel<BufferedImage, GeneratedPixels> model = chosen.loadPixels(err());
                Generator<BufferedImage, GeneratedPixels> g = model.newGenerator(options)) {
            out.requireNotOutputs(inputs.paths());
            IgptProfile profile = PixelRuns.codec(model).profile();
            Limits.requireHeap(jobs, PixelRuns.bytesPerResult(profile), "completions");
            List<BufferedImage> originals =
                    inputs.load(profile.width(), profile.height(), PixelRuns.bytesPerResult(profile));
            List<BufferedImage> prompts = prompts(originals);
            PixelRuns.describe(err(), model, options);
            out.start(header(n));
            Cut cut = Cut.share(ratio);
            List<GeneratedPixels> done;
            try (Progress progress = new Progress(err(), spec.name(), jobs, "img")) {
                done = g.complete(prompts, cut, p -> {
                    progress.step(PixelRuns.state(p));
                    String name = String.format("completion-%04d-%d", p.index() / samples, p.index() % samples);
                    ObjectNode entry =
                            PixelRuns.entry(p).put("input", p.index() / samples).put("sample", p.index() % samples);
                    out.add(p.index(), entry, PixelRuns.files(name, p, true));
                });
            }
            long clean = PixelRuns.clean(done);
            ObjectNode totals = JsonNodeFactory.instance.objectNode().put("clean", clean);
            List<BufferedImage> images =
                    done.stream().map(GeneratedPixels::image).toList();
            if (evalArgs.eval) {
                measure(originals, prompts, images, totals);
            }
            int rows = cut.unitsOf(profile.height());
            List<BufferedImage> cells = new ArrayList<>();
            int shown = Math.min(samples, GRID_SAMPLES);
            for (int i = 0; i < Math.min(originals.size(), GRID_ROWS); i++) {
                cells.add(PixelRuns.rows(g, originals.get(i), profile.height()));
                cells.add(PixelRuns.rows(g, originals.get(i), rows));
                cells.addAll(images.subList(i * samples, i * samples + shown));
            }
            out.finish(totals, ImageGrid.compose(cells, shown + 2));
            out().printf(
                            Locale.ROOT,
                            "%d completions of %d of %d rows; %d clean: exactly %dx%d pixels; grid rows: original, "
                                    + "prompt, completions; wrote %s%n",
                            done.size(),
                            rows,
                            profile.height(),
                            clean,
                            profile.width(),
                            profile.height(),
                            outputArgs.output);
            out().flush();
        }
        return 0;
    }

    private int images(ModelArgs.ChosenModel chosen, RunOutput out) throws Exception {
        requireRatio();
        int n = inputs.count();
        long jobs = (long) n * samples;
        Limits.requireCount(n + " inputs x --samples " + samples, jobs);
        GenerationOptions options = generation.imageOptions(jobs, modelArgs.threadOptions(), 0);
        try (ImageModel model = chosen.loadImage(err())) {
            out.requireNotOutputs(inputs.paths());
            JpegProfile profile = model.spec().profile();
            Limits.requireHeap(jobs, Limits.bytesPerResult(profile), "completions");
            List<BufferedImage> originals = inputs.load(profile);
            List<BufferedImage> prompts = prompts(originals);
            try (ImageGenerator g = model.newGenerator(options)) {
                out.start(header(n));
                List<GeneratedImage> done;
                try (Progress progress = new Progress(err(), spec.name(), jobs, "img")) {
                    done = g.complete(prompts, ratio, img -> {
                        progress.step(img.clean() ? "clean" : "repaired");
                        out.add(img.index(), entry(img), files(img));
                    });
                }
                long clean = done.stream().filter(GeneratedImage::clean).count();
                ObjectNode totals = JsonNodeFactory.instance.objectNode().put("clean", clean);
                if (evalArgs.eval) {
                    measure(
                            originals,
                            prompts,
                            done.stream().map(GeneratedImage::image).toList(),
                            totals);
                }
                out.finish(totals, grid(g, model.spec(), originals, done));
                out().printf(
                                Locale.ROOT,
                                "%d completions at ratio %.2f; %d clean, %d repaired; grid rows: original, prompt, completions; "
                                        + "wrote %s%n",
                                done.size(),
                                ratio,
                                clean,
                                done.size() - clean,
                                outputArgs.output);
                out().flush();
            }
        }
        return 0;
    }

    /**
     * --eval: the completions against the test set, then against their originals (the inputs), and the share that
     * keeps its original's class.
     */
    private void measure(
            List<BufferedImage> originals, List<BufferedImage> prompts, List<BufferedImage> images, ObjectNode totals)
            throws IOException {
        EvalArgs.measure(images, null, out(), totals, "quality");
        QualityMetric metric = QualityMetric.load();
        EvalArgs.measure(images, metric.reference("the originals", originals), out(), totals, "quality_vs_originals");
        double agreement = metric.classAgreement(images, prompts);
        totals.put("class_agreement", agreement);
        out().printf(Locale.ROOT, "class kept from the original: %.1f %%%n", 100 * agreement);
        out().flush();
    }

    /** One row per input (the first {@link #GRID_ROWS}): the original, what the model was shown, then its completions. */
    private BufferedImage grid(
            ImageGenerator g, JpegLmSpec spec, List<BufferedImage> originals, List<GeneratedImage> done) {
        JpegRepair prefixRepair = new JpegRepair(spec.profile(), spec.tables());
        int shown = Math.min(samples, GRID_SAMPLES);
        List<BufferedImage> cells = new ArrayList<>();
        for (int i = 0; i < Math.min(originals.size(), GRID_ROWS); i++) {
            byte[] stream = g.streamOf(originals.get(i));
            cells.add(
                    JpegImages.decode(JpegRepair.repair(stream, spec.profile()).jpeg()));
            cells.add(JpegImages.decode(
                    prefixRepair.repair(JpegStreams.prefix(stream, ratio)).jpeg()));
            for (int k = 0; k < shown; k++) {
                cells.add(done.get(i * samples + k).image());
            }
        }
        return ImageGrid.compose(cells, shown + 2);
    }

    private ObjectNode header(int n) {
        return JsonNodeFactory.instance
                .objectNode()
                .put("command", spec.name())
                .put("inputs", n)
                .put("samples", samples)
                .put("ratio", ratio)
                .put("requested", (long) n * samples)
                .put("constrained", !generation.sampling.unconstrained)
                .put("deterministic", generation.determinism.deterministic)
                .put("seed", generation.sampling.seed);
    }

    /** generate's summary of an image (one vocabulary with the server), and which input and sample it completes. */
    private ObjectNode entry(GeneratedImage img) {
        return RunOutput.entry(img)
                .put("input", img.index() / samples)
                .put("sample", img.index() % samples)
                .put("prompt_tokens", img.promptTokens());
    }

    private Map<String, Supplier<byte[]>> files(GeneratedImage img) {
        String name = String.format("completion-%04d-%d", img.index() / samples, img.index() % samples);
        Map<String, Supplier<byte[]>> files = new LinkedHashMap<>();
        files.put(name + ".png", RunOutput.png(img.image()));
        files.put(name + ".jpg", img::jpeg);
        return files;
    }
}
