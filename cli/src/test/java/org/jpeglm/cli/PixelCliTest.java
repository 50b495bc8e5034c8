package org.jpeglm.cli;

import static org.jpeglm.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.cli.CliTest.Run;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.IgptSpec;
import org.jpeglm.codec.igpt.PixelStreams;
import org.jpeglm.testing.TinyStreamLm;
import org.jpeglm.train.FashionMnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * generate, complete, score, info and eval on pixel models (tiny random igpt and bpe-igpt GGUFs of 28×28 pixels, 4
 * gray levels): by the codec the file names, with PNG files, the prompt's rows kept, scores that repeat, and the
 * options of other codecs refused as one usage error.
 */
class PixelCliTest {
    static final IgptProfile PROFILE = IgptProfile.fashionMnist(4);
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path igpt;
    static Path bpe;
    static Path picture;

    /** A gray 28×28 picture: a bright box on dark noise. */
    static BufferedImage picture(long seed) {
        return TinyStreamLm.pixelPicture(seed);
    }

    @BeforeAll
    static void models() throws IOException {
        igpt = dir.resolve("igpt.gguf");
        IgptSpec plain = IgptSpec.igpt(PROFILE);
        TinyStreamLm.write(igpt, 3, plain.tokenizer().vocabSize() + 2, plain.toGguf(), 1024);
        bpe = dir.resolve("bpe-igpt.gguf");
        List<byte[]> streams = IntStream.range(0, 10)
                .mapToObj(i -> PixelStreams.encode(picture(i), PROFILE))
                .toList();
        BpeTokenizer merged =
                new BpeTrainer(20, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS, 4).train(streams);
        IgptSpec spec = new IgptSpec(PROFILE, merged);
        TinyStreamLm.write(bpe, 4, merged.vocabSize(), spec.toGguf(), 1024);
        picture = dir.resolve("picture.png");
        ImageIO.write(picture(99), "png", picture.toFile());
    }

    private static Run cli(String... args) {
        return run(Stream.concat(Stream.of(args), Stream.of("-t", "2")).toArray(String[]::new));
    }

    @Test
    void generateWritesExactImagesAsPngsAndTheSameSeedTheSameFiles() throws IOException {
        Path a = dir.resolve("gen-a");
        Path b = dir.resolve("gen-b");
        for (Path out : List.of(a, b)) {
            List<String> args = new ArrayList<>(
                    List.of("generate", "-m", igpt.toString(), "-n", "4", "-np", "4", "-s", "5", "-o", out.toString()));
            if (out == b) {
                args.add("--eval"); // measured as well: the same images
            }
            Run r = cli(args.toArray(String[]::new));
            assertEquals(0, r.exit(), r.err());
            assertTrue(r.out().contains("4 images in") && r.out().contains("4 clean: exactly 28x28 pixels"), r.out());
        }
        assertEquals(
                4,
                JSON.readTree(b.resolve("summary.json").toFile())
                        .get("quality")
                        .get("images")
                        .asInt());
        JsonNode summary = JSON.readTree(a.resolve("summary.json").toFile());
        assertTrue(summary.get("complete").asBoolean());
        assertEquals(4, summary.get("images").size());
        for (int i = 0; i < 4; i++) {
            String name = String.format("image-%04d.png", i);
            BufferedImage img = ImageIO.read(a.resolve(name).toFile());
            assertEquals(28, img.getWidth());
            assertEquals(28, img.getHeight());
            assertArrayEquals(Files.readAllBytes(a.resolve(name)), Files.readAllBytes(b.resolve(name)), name);
            assertTrue(summary.get("images").get(i).get("clean").asBoolean());
            assertEquals("END", summary.get("images").get(i).get("stop").asText());
        }
        assertTrue(Files.exists(a.resolve("grid.png")));
        try (Stream<Path> files = Files.list(a)) {
            assertFalse(files.anyMatch(p -> p.toString().endsWith(".jpg")), "no JPEG files for pixels");
        }
        Run eval = run("eval", a.toString(), "--json");
        assertEquals(0, eval.exit(), eval.err());
        assertEquals(4, JSON.readTree(eval.out()).get("images").asInt(), eval.out());
    }

    @Test
    void bpeIgptGeneratesToo() throws IOException {
        Path out = dir.resolve("gen-bpe");
        Run r = cli("generate", "-m", bpe.toString(), "-n", "2", "--no-images", "-o", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("bpe-igpt 28x28, 4 symbols, 20 merges"), r.err());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(
                    List.of("grid.png", "summary.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void completeKeepsTheTopRowsOfItsInputs() throws IOException {
        Path out = dir.resolve("complete");
        Run r = cli(
                "complete",
                "-m",
                bpe.toString(),
                picture.toString(),
                "--fashion-mnist",
                "3",
                "--ratio",
                "0.5",
                "--eval",
                "-o",
                out.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("4 completions of 14 of 28 rows"), r.out());
        List<BufferedImage> originals = new ArrayList<>(List.of(ImageIO.read(picture.toFile())));
        for (FashionMnist.Item item : FashionMnist.read(FashionMnist.DEBIAN_DIR, false, 3)) {
            originals.add(item.image());
        }
        for (int i = 0; i < 4; i++) {
            byte[] original = PixelStreams.encode(originals.get(i), PROFILE);
            String name = "completion-000" + i + "-0.png";
            byte[] written = PixelStreams.encode(ImageIO.read(out.resolve(name).toFile()), PROFILE);
            assertArrayEquals(Arrays.copyOf(original, 14 * 28), Arrays.copyOf(written, 14 * 28), name);
        }
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(0.5, summary.get("ratio").asDouble());
        assertEquals(3, summary.get("images").get(3).get("input").asInt());
        assertEquals(4, summary.get("quality").get("images").asInt(), "--eval: against the test set");
        assertTrue(summary.has("quality_vs_originals") && summary.has("class_agreement"), summary.toString());
    }

    /** igpt, one token a pixel: the prompt is the top rows' pixels, and the rest is written pixel by pixel. */
    @Test
    void completeOnIgptKeepsTheTopRowsAndWritesTheRest() throws IOException {
        Path out = dir.resolve("complete-igpt");
        Run r = cli(
                "complete",
                "-m",
                igpt.toString(),
                picture.toString(),
                "--ratio",
                "0.25",
                "--samples",
                "2",
                "-o",
                "" + out);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("2 completions of 7 of 28 rows"), r.out());
        byte[] original = PixelStreams.encode(ImageIO.read(picture.toFile()), PROFILE);
        List<byte[]> bottoms = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            String name = "completion-0000-" + s + ".png";
            BufferedImage image = ImageIO.read(out.resolve(name).toFile());
            assertEquals(28, image.getWidth());
            assertEquals(28, image.getHeight());
            byte[] written = PixelStreams.encode(image, PROFILE);
            assertArrayEquals(Arrays.copyOf(original, 7 * 28), Arrays.copyOf(written, 7 * 28), name);
            bottoms.add(Arrays.copyOfRange(written, 7 * 28, 28 * 28));
        }
        assertFalse(Arrays.equals(bottoms.get(0), bottoms.get(1)), "two samples, two different bottoms");
        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(0.25, summary.get("ratio").asDouble());
        assertTrue(summary.get("complete").asBoolean(), summary.toString());
    }

    @Test
    void scoreGivesBitsPerPixelAndTheSameScoreForTheSameImage() {
        Run r = cli("score", "-m", igpt.toString(), picture.toString(), picture.toString(), "--each");
        assertEquals(0, r.exit(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(3, lines.size(), r.out());
        assertEquals(lines.get(0).replace("image 0", ""), lines.get(1).replace("image 1", ""));
        assertTrue(lines.get(0).contains(" 784 pixels, ") && lines.get(0).endsWith(" bits/pixel"), r.out());
        assertTrue(
                lines.get(2).startsWith("2 images: ")
                        && lines.get(2).contains(" bits/pixel, ")
                        && lines.get(2).contains("1568 pixels"),
                r.out());
    }

    @Test
    void infoShowsTheProfile() {
        Run r = run("info", bpe.toString(), "--no-tensors");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("codec: bpe-igpt, each stream an image of 28 rows"), r.out());
        assertTrue(r.out().contains("bpe-igpt: 28x28 pixels in raster order, 4 gray levels"), r.out());
    }

    @Test
    void optionsOfOtherCodecsAreOneUsageError() {
        String is = "igpt.gguf is a pixel model (codec igpt)";
        assertUsageError(List.of("generate", "--scale", "2"), "--scale applies to video models only, but " + is);
        assertUsageError(
                List.of("complete", picture.toString(), "--frames", "2"),
                "--frames applies to video models only, but " + is);
    }

    /** --preview draws a pixel image's previews (PNGs of its rows so far) and the finished image in the panel. */
    @Test
    void thePreviewPanelDrawsPixelImages() throws IOException {
        BufferedImage white = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        white.getRaster()
                .setPixels(0, 0, 28, 28, IntStream.range(0, 784).map(i -> 255).toArray());
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        ImageIO.write(white, "png", png);
        java.io.ByteArrayOutputStream screen = new java.io.ByteArrayOutputStream();
        TerminalPreview panel =
                new TerminalPreview(new java.io.PrintStream(screen, true), new TerminalSize(80, 24), 1, 28, 28);
        panel.onPixels(new Event.Preview<>(0, 28, 28, png.toByteArray()));
        panel.close();
        String drawn = screen.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(drawn.contains("255;255;255") && drawn.indexOf(HalfBlocks.UPPER_HALF) >= 0, drawn);
    }

    private static void assertUsageError(List<String> args, String part) {
        Path out = dir.resolve("refused-" + Math.abs(args.hashCode()));
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("-m", igpt.toString(), "-o", out.toString()));
        Run r = run(all.toArray(String[]::new));
        assertEquals(2, r.exit(), args + ": " + r.out() + r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(part), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(out), "nothing written: " + out);
    }
}
