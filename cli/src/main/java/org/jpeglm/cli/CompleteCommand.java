package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jpeglm.cli.JpeglmCommand;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.GeneratorOptions;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.ImageGrid;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "complete", sortOptions = false,
        description = "Complete images from their top part: the first ratio of their MCUs is the prompt, kept byte for byte.",
        footerHeading = "%nExamples:%n",
        footer = {"  jpeglm complete --fashion-mnist 8 --ratio 0.5 -o completions",
                "  jpeglm complete photo.png --ratio 0.25 --samples 4 -m model.gguf"})
public final class CompleteCommand extends JpeglmCommand {
    @Mixin
    ModelArgs modelArgs;

    @Mixin
    SamplingArgs sampling;

    @Mixin
    InputImages inputs;

    @Option(names = {"-r", "--ratio"}, paramLabel = "R", description = "share of each image's MCUs given as the prompt, 0..1 (default: ${DEFAULT-VALUE})")
    double ratio = 0.5;

    @Option(names = "--samples", paramLabel = "K", description = "completions per image (default: ${DEFAULT-VALUE})")
    int samples = 1;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", description = "completions generated together (default: 16)")
    int parallel = 16;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output directory (default: ${DEFAULT-VALUE})")
    Path output = Path.of("out");

    public CompleteCommand() {
    }

    @Override
    protected int run() throws Exception {
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("--ratio must be between 0 and 1, got " + ratio);
        }
        if (samples < 1) {
            throw new IllegalArgumentException("--samples must be at least 1, got " + samples);
        }
        try (ImageModel model = modelArgs.load()) {
            List<BufferedImage> originals = inputs.load(model.spec().profile());
            List<BufferedImage> prompts = new ArrayList<>();
            for (BufferedImage img : originals) {
                for (int k = 0; k < samples; k++) {
                    prompts.add(img);
                }
            }
            GeneratorOptions options = GeneratorOptions.builder().parallel(Math.min(parallel, prompts.size()))
                    .threads(modelArgs.threads).sampling(sampling.params()).seed(sampling.seed)
                    .constrained(!sampling.unconstrained).build();
            List<GeneratedImage> done;
            List<BufferedImage> grid = new ArrayList<>();
            try (ImageGenerator g = model.newGenerator(options); Progress progress = new Progress(err(), "complete", prompts.size(), "img")) {
                done = g.complete(prompts, ratio, img -> progress.step(img.clean() ? "clean" : "repaired"));
                // One row per input: the original, what the model was shown, then its completions.
                for (int i = 0; i < originals.size(); i++) {
                    byte[] stream = g.streamOf(originals.get(i));
                    grid.add(JpegImages.decode(JpegRepair.repair(stream, model.spec().profile()).jpeg()));
                    byte[] prefix = JpegStreams.prefix(stream, ratio);
                    grid.add(JpegImages.decode(new JpegRepair(model.spec().profile(), model.spec().tables()).repair(prefix).jpeg()));
                    for (int k = 0; k < samples; k++) {
                        GeneratedImage c = done.get(i * samples + k);
                        grid.add(c.image());
                        Outputs.png(output.resolve(String.format("completion-%04d-%d.png", i, k)), c.image());
                        Outputs.write(output.resolve(String.format("completion-%04d-%d.jpg", i, k)), c.jpeg());
                    }
                }
            }
            Outputs.png(output.resolve("grid.png"), ImageGrid.compose(grid, samples + 2));
            long clean = done.stream().filter(GeneratedImage::clean).count();
            out().printf(Locale.ROOT, "%d completions at ratio %.2f; %d clean, %d repaired; grid rows: original, prompt, completions; wrote %s%n",
                    done.size(), ratio, clean, done.size() - clean, output);
            out().flush();
        }
        return 0;
    }
}
