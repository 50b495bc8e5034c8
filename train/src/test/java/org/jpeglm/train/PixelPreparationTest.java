package org.jpeglm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.IgptProfileFile;
import org.jpeglm.codec.igpt.PixelStreams;
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

    @Test
    void igptWritesOneImageAWindowStartingAtBos(@TempDir Path out) throws Exception {
        var options = new PixelPreparation.Options(FashionMnist.DEBIAN_DIR, out, 20, 5, 28, 16, 0, 20, 785);
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
        options = new PixelPreparation.Options(FashionMnist.DEBIAN_DIR, out, 60, 10, 28, 8, 50, 60, 128);
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

    @Test
    void refusesAnIgptContextThatIsNotOneImage() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> new PixelPreparation.Options(FashionMnist.DEBIAN_DIR, Path.of("x"), 1, 1, 28, 16, 0, 1, 256));
        assertTrue(e.getMessage().contains("785"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PixelPreparation.mergesForVocabulary(10, 8));
        assertThrows(
                IllegalArgumentException.class,
                () -> new PixelPreparation.Options(FashionMnist.DEBIAN_DIR, Path.of("x"), 1, 1, 28, 1, 5, 1, 256));
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
