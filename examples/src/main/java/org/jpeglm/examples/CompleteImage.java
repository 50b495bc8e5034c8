package org.jpeglm.examples;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.ImageGrid;

/**
 * Completes the bottom half of an image four times: the top half of its JPEG stream (whole MCUs) is the prompt.
 *
 * <p>Usage: CompleteImage IMAGE [MODEL.gguf] [out.png]
 */
public final class CompleteImage {
    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: CompleteImage IMAGE [MODEL.gguf] [out.png]");
            System.exit(2);
        }
        BufferedImage input = ImageIO.read(Path.of(args[0]).toFile());
        if (input == null) {
            throw new IllegalArgumentException(args[0] + " is not an image");
        }
        Path model = Examples.model(args, 1);
        Path out = Path.of(args.length > 2 ? args[2] : "completions.png");
        try (ImageModel m = ImageModel.load(model);
                ImageGenerator generator = m.newGenerator(
                        GenerationOptions.builder().parallel(4).seed(1).build())) {
            List<GeneratedImage> completions = generator.complete(Collections.nCopies(4, input), 0.5);
            List<BufferedImage> row = new ArrayList<>();
            completions.forEach(c -> row.add(c.image()));
            ImageGrid.writePng(row, 4, out);
            System.out.println(out + ": " + completions);
        }
    }
}
