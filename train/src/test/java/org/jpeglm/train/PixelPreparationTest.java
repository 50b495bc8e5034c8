package org.jpeglm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.IgptProfileFile;
import org.jpeglm.codec.igpt.Palette;
import org.jpeglm.codec.igpt.PixelStreams;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PixelPreparationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static short[] u16(Path file) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        short[] out = new short[b.remaining() / 2];
        b.asShortBuffer().get(out);
        return out;
    }

    private static PixelPreparation.PaletteRecipe gray(int levels) {
        return new PixelPreparation.PaletteRecipe.Gray(levels);
    }

    @Test
    void igptWritesOneImageAWindowStartingAtBos(@TempDir Path out) throws Exception {
        var options =
                new PixelPreparation.Options(PixelPreparation.FASHION_MNIST, out, 20, 5, 28, gray(16), 0, 20, 785);
        PixelPreparation.Result r = new PixelPreparation(options).run();
        assertEquals("igpt", r.codec());
        assertEquals(18, r.vocabSize());
        assertEquals(786, r.tokensPerImage());
        assertEquals(20, r.trainWindows());
        assertEquals(5, r.testWindows());

        short[] train = u16(out.resolve("train.u16"));
        assertEquals(20 * 786, train.length);
        // Window 3 is training image 3: BOS, its 784 quantized pixels, EOS.
        byte[] pixels = PixelStreams.encode(
                FashionMnist.read(FashionMnist.DEBIAN_DIR, true, 4).get(3).image(), IgptProfile.fashionMnist(16));
        assertEquals(16, train[3 * 786]);
        for (int i = 0; i < 784; i++) {
            assertEquals(pixels[i], train[3 * 786 + 1 + i]);
        }
        assertEquals(17, train[3 * 786 + 785]);

        var profile = IgptProfileFile.read(out.resolve(IgptProfileFile.FILE_NAME));
        assertEquals(new IgptProfileFile.Contents("igpt", IgptProfile.fashionMnist(16)), profile);
        BpeTokenizer tokenizer = HfTokenizerJson.read(out.resolve("tokenizer.json"));
        assertEquals("igpt", profile.spec(tokenizer).codec());
        JsonNode meta = JSON.readTree(out.resolve("meta.json").toFile());
        assertEquals("aligned", meta.get("packing").asText());
        assertEquals(785, meta.get("context").asInt());
        assertEquals(5 * 784, meta.get("test_bytes").asInt(), "bytes are pixels");
        assertEquals(5 * 786, meta.get("test_tokens").asInt());
        assertEquals(0, meta.get("longer_than_context").asInt(), "each window holds its image");
    }

    @Test
    void bpeIgptMatchesTheJpegVocabularyAndPacksLikeJpeg(@TempDir Path out) throws Exception {
        PixelPreparation.Options options = PixelPreparation.Options.bpeIgpt(out, 8);
        assertEquals(568, options.merges());
        options = new PixelPreparation.Options(PixelPreparation.FASHION_MNIST, out, 60, 10, 28, gray(8), 50, 60, 128);
        PixelPreparation.Result r = new PixelPreparation(options).run();
        assertEquals("bpe-igpt", r.codec());
        assertEquals(8 + 50 + 2, r.vocabSize());
        assertTrue(r.tokensPerImage() < 786, "merges shorten the sequence: " + r.tokensPerImage());
        BpeTokenizer tokenizer = HfTokenizerJson.read(out.resolve("tokenizer.json"));
        assertEquals(8, tokenizer.alphabetSize());
        assertEquals(
                "bpe-igpt",
                IgptProfileFile.read(out.resolve(IgptProfileFile.FILE_NAME))
                        .spec(tokenizer)
                        .codec());
        // The windows are the images' token sequences concatenated.
        List<Integer> stream = new ArrayList<>();
        for (FashionMnist.Item item : FashionMnist.read(FashionMnist.DEBIAN_DIR, true, 60)) {
            for (int id :
                    tokenizer.encode(PixelStreams.encode(item.image(), IgptProfile.fashionMnist(8)), true, true)) {
                stream.add(id);
            }
        }
        short[] train = u16(out.resolve("train.u16"));
        assertEquals(r.trainWindows() * 129, train.length);
        for (int k = 0; k < 2; k++) { // window k: stream[128k .. 128k + 128], its last label included
            for (int i = 0; i <= 128; i++) {
                assertEquals((int) stream.get(128 * k + i), train[129 * k + i]);
            }
        }
        JsonNode meta = JSON.readTree(out.resolve("meta.json").toFile());
        assertEquals("concatenated", meta.get("packing").asText());
        assertEquals(r.vocabSize(), meta.get("vocab_size").asInt());
    }

    /** A folder of RGB pictures (train/ and test/), as prepare's --image-folder reads it. */
    static Path colourFolder(Path dir, int train, int test) throws Exception {
        for (String split : List.of("train", "test")) {
            Files.createDirectories(dir.resolve(split));
            for (int i = 0; i < (split.equals("train") ? train : test); i++) {
                BufferedImage picture = TinyStreamLm.colourPicture(split.equals("train") ? i : 1000 + i);
                ImageIO.write(
                        picture,
                        "png",
                        dir.resolve(split).resolve(String.format("%03d.png", i)).toFile());
            }
        }
        return dir;
    }

    private static PixelPreparation.Options kMeans(Path folder, Path out, int k, long seed, int merges) {
        int context = merges == 0 ? 785 : 128;
        return new PixelPreparation.Options(
                new PixelImages.ImageFolder(folder),
                out,
                -1,
                -1,
                28,
                new PixelPreparation.PaletteRecipe.KMeans(k, seed),
                merges,
                6,
                context);
    }

    /**
     * A k-means palette is learned from the first bpeImages training images' RGB pixels: Palette.kMeans on them,
     * computed here on its own, finds the pictures' three colours; the same seed writes the same files; the windows
     * are the pictures through that palette.
     */
    @Test
    void kMeansLearnsTheColoursOfRgbImagesDeterministically(@TempDir Path dir) throws Exception {
        Path folder = colourFolder(dir.resolve("pictures"), 10, 3);
        PixelPreparation.Result r = new PixelPreparation(kMeans(folder, dir.resolve("a"), 3, 7, 0)).run();
        new PixelPreparation(kMeans(folder, dir.resolve("b"), 3, 7, 0)).run();
        assertEquals(10, r.trainImages());
        assertEquals(3, r.testImages());
        assertEquals(5, r.vocabSize(), "3 colours, BOS and EOS");

        IgptProfile profile = IgptProfileFile.read(dir.resolve("a").resolve(IgptProfileFile.FILE_NAME))
                .profile();
        assertEquals(3, profile.channels());
        int[] sample = new int[6 * 784];
        for (int i = 0; i < 6; i++) {
            TinyStreamLm.colourPicture(i).getRGB(0, 0, 28, 28, sample, i * 784, 28);
        }
        assertEquals(Palette.kMeans(sample, 3, 7), profile.palette(), "k-means over the first 6 training images");
        for (int colour : TinyStreamLm.COLOURS) { // each colour has an entry inside its noise (0..11 a channel)
            assertTrue(
                    IntStream.range(0, 3).anyMatch(k -> near(profile.palette().rgb(k), colour)),
                    Integer.toHexString(colour) + " in " + profile.palette());
        }
        for (String file : List.of(IgptProfileFile.FILE_NAME, "train.u16", "test.u16", "tokenizer.json")) {
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("a").resolve(file)),
                    Files.readAllBytes(dir.resolve("b").resolve(file)),
                    "the same seed, the same " + file);
        }
        short[] train = u16(dir.resolve("a").resolve("train.u16"));
        byte[] pixels = PixelStreams.encode(TinyStreamLm.colourPicture(4), profile);
        for (int i = 0; i < 784; i++) {
            assertEquals(pixels[i], train[4 * 786 + 1 + i]);
        }
        JsonNode meta = JSON.readTree(dir.resolve("a").resolve("meta.json").toFile());
        assertEquals("images", meta.get("dataset").asText());
        assertEquals("kmeans", meta.get("palette").asText());
        assertEquals(7, meta.get("palette_seed").asLong());
        assertEquals(3, meta.get("levels").asInt());
    }

    private static boolean near(int entry, int colour) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int d = (entry >> shift & 0xFF) - (colour >> shift & 0xFF);
            if (d < 0 || d > 11) {
                return false;
            }
        }
        return true;
    }

    @Test
    void bpeIgptLearnsItsBpeOverKMeansSymbols(@TempDir Path dir) throws Exception {
        Path folder = colourFolder(dir.resolve("pictures"), 8, 2);
        PixelPreparation.Result r = new PixelPreparation(kMeans(folder, dir.resolve("out"), 3, 1, 10)).run();
        assertEquals("bpe-igpt", r.codec());
        assertEquals(3 + 10 + 2, r.vocabSize());
        BpeTokenizer tokenizer = HfTokenizerJson.read(dir.resolve("out").resolve("tokenizer.json"));
        assertEquals(3, tokenizer.alphabetSize());
        var contents = IgptProfileFile.read(dir.resolve("out").resolve(IgptProfileFile.FILE_NAME));
        assertEquals(3, contents.spec(tokenizer).profile().channels());
    }

    @Test
    void anImageFolderWithoutItsSplitsOrWithOtherFilesIsRefusedBeforeWriting(@TempDir Path dir) throws Exception {
        Path folder = dir.resolve("pictures");
        Files.createDirectories(folder.resolve("train"));
        Path out = dir.resolve("out");
        IOException e = assertThrows(IOException.class, () -> new PixelPreparation(kMeans(folder, out, 3, 0, 0)).run());
        assertTrue(e.getMessage().contains("train") && e.getMessage().contains("no images"), e.getMessage());
        colourFolder(folder, 2, 1);
        Files.writeString(folder.resolve("test").resolve("notes.txt"), "not a picture");
        e = assertThrows(IOException.class, () -> new PixelPreparation(kMeans(folder, out, 3, 0, 0)).run());
        assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void refusesAnIgptContextThatIsNotOneImage() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new PixelPreparation.Options(
                        PixelPreparation.FASHION_MNIST, Path.of("x"), 1, 1, 28, gray(16), 0, 1, 256));
        assertTrue(e.getMessage().contains("785"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PixelPreparation.mergesForVocabulary(10, 8));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PixelPreparation.Options(
                        PixelPreparation.FASHION_MNIST, Path.of("x"), 1, 1, 28, gray(1), 5, 1, 256));
    }

    /** The JPEG preparation writes the meta.json it wrote before the shared tail moved to CodecCorpus. */
    @Test
    void jpegMetaKeepsItsFields(@TempDir Path out) throws Exception {
        new FashionMnistPreparation(
                        new FashionMnistPreparation.Options(FashionMnist.DEBIAN_DIR, out, 30, 5, 32, 25, 20, 30, 64))
                .run();
        List<String> keys = new ArrayList<>();
        JSON.readTree(out.resolve("meta.json").toFile()).fieldNames().forEachRemaining(keys::add);
        assertEquals(
                List.of(
                        "dataset",
                        "size",
                        "vocab_size",
                        "merges",
                        "bos_id",
                        "eos_id",
                        "context",
                        "train_images",
                        "test_images",
                        "train_windows",
                        "test_windows",
                        "bytes_per_image",
                        "tokens_per_image",
                        "max_tokens_per_image",
                        "longer_than_context",
                        "test_bytes",
                        "test_tokens"),
                keys);
        assertArrayEquals(new byte[] {'{'}, java.util.Arrays.copyOf(Files.readAllBytes(out.resolve("meta.json")), 1));
    }
}
