package org.jpeglm.examples;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.SamplingParams;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.ImageGrid;

/**
 * Generates 16 images, 8 at a time, and writes them as one grid.
 *
 * <p>Usage: GenerateImages [MODEL.gguf] [grid.png]
 */
public final class GenerateImages {
    public static void main(String[] args) throws Exception {
        Path model = Examples.model(args, 0);
        Path grid = Path.of(args.length > 1 ? args[1] : "grid.png");

        GenerationOptions options = GenerationOptions.builder()
                .parallel(8) // 8 images per native step
                .sampling(
                        SamplingParams.builder().temperature(1.0f).minP(0.1f).build()) // the default (models/README.md)
                .seed(42) // same seed, same images
                .build();
        try (ImageModel m = ImageModel.load(model);
                ImageGenerator generator = m.newGenerator(options)) {
            List<GeneratedImage> images = generator.generate(16, image -> System.out.println(image));
            List<BufferedImage> pictures =
                    images.stream().map(GeneratedImage::image).toList();
            ImageGrid.writePng(pictures, 4, grid);
            System.out.printf("%s: %.1f images/s%n", grid, generator.lastStats().resultsPerSecond());
        }
    }
}
