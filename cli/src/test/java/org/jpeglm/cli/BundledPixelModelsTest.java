package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jpeglm.cli.CliTest.Run;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two pixel models shipped in models/ still are what their card (models/fashion-mnist-28-pixels.md) says: 28×28
 * images at 4 gray levels, the first 50 test images scored at the card's bits per pixel, constrained samples of
 * exactly 28×28 pixels on a dark background. Runs README's commands on the real files.
 */
class BundledPixelModelsTest {
    @TempDir
    Path dir;

    static Path model(String codec) {
        return Path.of("..", "models", "fashion-mnist-28-" + codec + ".gguf")
                .toAbsolutePath()
                .normalize();
    }

    @ParameterizedTest
    @CsvSource({"igpt, 0", "bpe-igpt, 572"})
    void infoShowsTheCodecAndItsPalette(String codec, int merges) {
        Run r = CliTest.run("info", model(codec).toString(), "--no-tensors");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("codec: " + codec + ", each stream an image of 28 rows"), r.out());
        assertTrue(r.out().contains("[0, 85, 170, 255]"), "4 evenly spaced gray levels: " + r.out());
        assertTrue(r.out().contains("\"" + codec + "\""), r.out());
        assertTrue(r.out().contains("tokenizer: " + (merges + 6) + " tokens, " + merges + " merges"), r.out());
    }

    /** The card's numbers: the first 50 test images (the whole test set's are on the card beside them). */
    @ParameterizedTest
    @CsvSource({"igpt, 0.4471", "bpe-igpt, 0.6173"})
    void testImagesScoreAtTheCardsBitsPerPixel(String codec, double bitsPerPixel) {
        Run r = CliTest.run("score", "-m", model(codec).toString(), "--fashion-mnist", "50");
        assertEquals(0, r.exit(), r.err());
        Matcher m = Pattern.compile("50 images: ([0-9.]+) bits/pixel").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(bitsPerPixel, Double.parseDouble(m.group(1)), 0.005, "bits/pixel of the first 50 test images");
    }

    @ParameterizedTest
    @CsvSource({"igpt", "bpe-igpt"})
    void constrainedSamplesAreWholeImagesOnADarkBackground(String codec) throws IOException {
        Path out = dir.resolve(codec);
        Run r = CliTest.run("generate", "-m", model(codec).toString(), "-n", "16", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("16 clean: exactly 28x28 pixels (100.0%)"), r.out());
        long corners = 0;
        for (int i = 0; i < 16; i++) {
            BufferedImage img =
                    ImageIO.read(out.resolve(String.format("image-%04d.png", i)).toFile());
            assertEquals(28, img.getWidth());
            assertEquals(28, img.getHeight());
            corners += img.getRaster().getSample(0, 0, 0) + img.getRaster().getSample(27, 27, 0);
        }
        // Fashion-MNIST items sit on black: even a toy model learns the background first.
        assertTrue(corners / 32.0 < 40, "mean corner value " + corners / 32.0);
    }
}
