package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.assertUserError;
import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.IgptProfileFile;
import org.jpeglm.codec.igpt.IgptSpec;
import org.jpeglm.codec.igpt.PixelStreams;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A colour igpt model end to end: {@code prepare-fashion-mnist --image-folder --palette kmeans:K} learns K colours
 * from RGB pictures, the checkpoint's profile becomes the GGUF's through {@code convert}, and generate, complete and
 * score decode through that palette (every written pixel one of its colours).
 */
class ColourPixelCliTest {
    @TempDir
    static Path dir;

    static Path pictures;
    static Path prepared;
    static IgptProfile profile;
    static Path model;

    @BeforeAll
    static void prepareAndConvert() throws IOException {
        pictures = dir.resolve("pictures");
        for (String split : List.of("train", "test")) {
            Files.createDirectories(pictures.resolve(split));
            for (int i = 0; i < (split.equals("train") ? 8 : 2); i++) {
                BufferedImage picture = TinyStreamLm.colourPicture(split.equals("train") ? i : 100 + i);
                ImageIO.write(
                        picture,
                        "png",
                        pictures.resolve(split + "/" + i + ".png").toFile());
            }
        }
        prepared = prepare("prepared", "5");
        profile = IgptProfileFile.read(prepared.resolve(IgptProfileFile.FILE_NAME))
                .profile();
        Path ckpt = HfCheckpoints.write(
                dir.resolve("ckpt"),
                RandomLlama.create(new LlamaConfig(6, 32, 2, 4, 2, 48, 1024, 10000f, 1e-5f, false), 3),
                "F32",
                1);
        for (String file : List.of("tokenizer.json", IgptProfileFile.FILE_NAME)) {
            Files.copy(prepared.resolve(file), ckpt.resolve(file));
        }
        model = dir.resolve("colour.gguf");
        Run r = run("convert", ckpt.toString(), "-o", model.toString(), "--type", "f32");
        assertEquals(0, r.exit(), r.err());
    }

    private static Path prepare(String name, String seed) {
        Path out = dir.resolve(name);
        Run r = run(
                "prepare-fashion-mnist",
                "--codec",
                "igpt",
                "--image-folder",
                pictures.toString(),
                "--palette",
                "kmeans:4",
                "--seed",
                seed,
                "--bpe-images",
                "4",
                "-o",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("igpt with 4 k-means colours"), r.err());
        return out;
    }

    /** The palette's colours, 0xRRGGBB. */
    private static Set<Integer> colours() {
        Set<Integer> set = new HashSet<>();
        for (int k = 0; k < profile.symbols(); k++) {
            set.add(profile.palette().rgb(k));
        }
        return set;
    }

    private static void assertPaletteColours(Path png) throws IOException {
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(28, image.getWidth());
        int[] rgb = image.getRGB(0, 0, 28, 28, null, 0, 28);
        Set<Integer> palette = colours();
        for (int p : rgb) {
            assertTrue(palette.contains(p & 0xFFFFFF), png + ": " + Integer.toHexString(p) + " not in " + palette);
        }
    }

    @Test
    void theSameSeedLearnsTheSamePaletteAndTheGgufCarriesIt() throws IOException {
        assertEquals(3, profile.channels());
        assertEquals(4, profile.symbols());
        Path again = prepare("again", "5");
        assertArrayEquals(
                Files.readAllBytes(prepared.resolve(IgptProfileFile.FILE_NAME)),
                Files.readAllBytes(again.resolve(IgptProfileFile.FILE_NAME)));
        try (GgufFile f = GgufFile.open(model)) {
            IgptSpec spec = IgptSpec.fromGguf(f.metadata());
            assertEquals(profile, spec.profile(), "the profile file's palette, through convert");
            assertEquals("igpt", spec.codec());
        }
        Run info = run("info", model.toString(), "--no-tensors");
        assertEquals(0, info.exit(), info.err());
        assertTrue(info.out().contains("igpt: 28x28 pixels in raster order, 4 colours"), info.out());
    }

    @Test
    void generatedImagesAreThePalettesColours() throws IOException {
        Path out = dir.resolve("gen");
        Run r = run("generate", "-m", model.toString(), "-n", "2", "-s", "4", "-t", "2", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        for (int i = 0; i < 2; i++) {
            assertPaletteColours(out.resolve(String.format("image-%04d.png", i)));
        }
    }

    @Test
    void completionsKeepTheQuantizedTopRowsInThePalettesColours() throws IOException {
        Path input = pictures.resolve("test/0.png");
        Path out = dir.resolve("complete");
        Run r = run("complete", "-m", model.toString(), input.toString(), "--ratio", "0.5", "-t", "2", "-o", "" + out);
        assertEquals(0, r.exit(), r.err());
        Path written = out.resolve("completion-0000-0.png");
        assertPaletteColours(written);
        byte[] original = PixelStreams.encode(ImageIO.read(input.toFile()), profile);
        byte[] completed = PixelStreams.encode(ImageIO.read(written.toFile()), profile);
        assertArrayEquals(Arrays.copyOf(original, 14 * 28), Arrays.copyOf(completed, 14 * 28));
        int distinct = (int)
                IntStream.range(0, 14 * 28).map(i -> original[i]).distinct().count();
        assertTrue(distinct > 1, "the prompt uses several colours: " + distinct);
    }

    @Test
    void scoreReadsAColourPicture() {
        Run r = run(
                "score", "-m", model.toString(), pictures.resolve("test/1.png").toString(), "-t", "2");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("784 pixels") && r.out().contains(" bits/pixel"), r.out());
    }

    @Test
    void paletteOptionsThatDoNotFitAreOneUsageError() {
        String out = dir.resolve("refused").toString();
        String folder = pictures.toString();
        List<List<String>> refused = List.of(
                List.of("--codec", "igpt", "--palette", "kmeans", "-o", out),
                List.of("--codec", "igpt", "--palette", "median:8", "-o", out),
                List.of("--codec", "igpt", "--palette", "kmeans:300", "-o", out),
                List.of("--codec", "igpt", "--palette", "kmeans:4", "--levels", "4", "-o", out),
                List.of("--codec", "igpt", "--seed", "3", "-o", out),
                List.of("--image-folder", folder, "-o", out),
                List.of("--codec", "igpt", "--image-folder", folder, "--data", folder, "-o", out));
        List<String> says =
                List.of("gray:K or kmeans:K", "gray:K or kmeans:K", "2..256", "give one", "--seed", "jpeg", "--data");
        for (int i = 0; i < refused.size(); i++) {
            String[] args = Stream.concat(Stream.of("prepare-fashion-mnist"), refused.get(i).stream())
                    .toArray(String[]::new);
            assertUserError(run(args), says.get(i));
        }
        assertFalse(Files.exists(Path.of(out)), "nothing written");
    }
}
