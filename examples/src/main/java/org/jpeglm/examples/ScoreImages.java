package org.jpeglm.examples;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Score;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;

/**
 * How likely the model finds each image: its negative log-likelihood in bits per byte of its JPEG stream (lower:
 * more typical of the training data).
 *
 * <p>Usage: ScoreImages MODEL.gguf IMAGE...
 */
public final class ScoreImages {
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ScoreImages MODEL.gguf IMAGE...");
            System.exit(2);
        }
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            BufferedImage img = ImageIO.read(Path.of(args[i]).toFile());
            if (img == null) {
                throw new IllegalArgumentException(args[i] + " is not an image");
            }
            images.add(img);
        }
        try (ImageModel m = ImageModel.load(Path.of(args[0]));
                ImageGenerator generator =
                        m.newGenerator(GenerationOptions.builder().parallel(8).build())) {
            List<Score> scores = generator.score(images);
            for (int i = 0; i < scores.size(); i++) {
                System.out.printf(
                        "%s: %.3f bits/byte, %.0f bits%n",
                        args[i + 1], scores.get(i).bitsPerByte(), scores.get(i).bits());
            }
        }
    }
}
