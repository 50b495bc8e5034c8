package org.jpeglm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", sortOptions = false,
        description = "Generate images with a Jpeg-LM model: N images, written as PNG and JPEG files plus one PNG grid.",
        footerHeading = "%nExamples:%n",
        footer = {"  jpeglm generate -n 16 -o out                 # 16 images with the bundled model",
                "  jpeglm generate -m model.gguf -n 64 -np 16 --temp 0.9 --top-k 50 --seed 7",
                "  jpeglm generate -n 1000 --no-images          # only the statistics (clean share, speed)"})
public final class GenerateCommand extends JpeglmCommand {
    @Mixin
    ModelArgs modelArgs;

    @Mixin
    SamplingArgs sampling;

    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "images to generate (default: ${DEFAULT-VALUE})")
    int count = 16;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", description = "images generated together (default: min(N, 16))")
    Integer parallel;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "output directory (default: ${DEFAULT-VALUE})")
    Path output = Path.of("out");

    @Option(names = "--max-tokens", paramLabel = "N", description = "tokens per image at most (default: the model's context)")
    int maxTokens;

    @Option(names = "--columns", paramLabel = "N", description = "columns of the grid (default: about the square root of N)")
    int columns;

    @Option(names = "--no-images", description = "write only grid.png and summary.json, not every image")
    boolean noImages;

    public GenerateCommand() {
    }

    @Override
    protected int run() throws Exception {
        if (count < 1) {
            throw new IllegalArgumentException("--count must be at least 1, got " + count);
        }
        int p = parallel != null ? parallel : Math.min(count, 16);
        GeneratorOptions options = GeneratorOptions.builder().parallel(p).threads(modelArgs.threads)
                .sampling(sampling.params()).seed(sampling.seed).constrained(!sampling.unconstrained).maxTokens(maxTokens)
                .build();
        List<GeneratedImage> images;
        long started = System.nanoTime();
        try (ImageModel model = modelArgs.load(); ImageGenerator generator = model.newGenerator(options);
             Progress progress = new Progress(err(), "generate", count, "img")) {
            err().printf("%s: %s, %dx%d, %d in parallel, %s%n", model.model().path().getFileName(), model.model().description(),
                    model.spec().profile().width(), model.spec().profile().height(), p,
                    options.constrained() ? "constrained to valid JPEG" : "unconstrained");
            images = generator.generate(count, img -> progress.step(img.clean() ? "clean" : "repaired"));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (!noImages) {
            for (GeneratedImage img : images) {
                Outputs.png(output.resolve(String.format("image-%04d.png", img.index())), img.image());
                Outputs.write(output.resolve(String.format("image-%04d.jpg", img.index())), img.jpeg());
            }
        }
        List<BufferedImage> grid = new ArrayList<>();
        for (GeneratedImage img : images.subList(0, Math.min(images.size(), 256))) {
            grid.add(img.image());
        }
        int cols = columns > 0 ? columns : (int) Math.ceil(Math.sqrt(grid.size()));
        Outputs.png(output.resolve("grid.png"), ImageGrid.compose(grid, cols));
        writeSummary(images, seconds);
        long clean = images.stream().filter(GeneratedImage::clean).count();
        long decodable = images.stream().filter(i -> i.repair().decodable()).count();
        long tokens = images.stream().mapToLong(GeneratedImage::tokens).sum();
        out().printf(Locale.ROOT, "%d images in %.1f s (%.2f images/s, %.0f tokens/s); %d clean (%.1f%%), %d decodable as written "
                        + "(%.1f%%), %d repaired; wrote %s%n",
                images.size(), seconds, images.size() / seconds, tokens / seconds, clean, 100.0 * clean / images.size(),
                decodable, 100.0 * decodable / images.size(), images.size() - clean, output.resolve(noImages ? "grid.png" : ""));
        out().flush();
        return 0;
    }

    private void writeSummary(List<GeneratedImage> images, double seconds) throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("count", images.size()).put("seconds", seconds)
                .put("clean", images.stream().filter(GeneratedImage::clean).count())
                .put("decodable", images.stream().filter(i -> i.repair().decodable()).count())
                .put("constrained", !sampling.unconstrained).put("seed", sampling.seed);
        ArrayNode list = root.putArray("images");
        for (GeneratedImage img : images) {
            list.addObject().put("index", img.index()).put("seed", img.seed()).put("tokens", img.tokens())
                    .put("stop", img.stop().name()).put("clean", img.clean())
                    .put("decodable", img.repair().decodable()).put("repair", img.repair().summary())
                    .put("bytes", img.stream().length).put("ms", img.time().toMillis());
        }
        Outputs.write(output.resolve("summary.json"), json.writeValueAsBytes(root));
    }
}
