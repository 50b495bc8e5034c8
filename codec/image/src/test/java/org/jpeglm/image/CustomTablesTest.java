package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jpeglm.Session;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.jpeg.HuffmanTable;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.jpeg.JpegSyntax;
import org.jpeglm.jpeg.JpegTables;
import org.jpeglm.jpeg.QuantTable;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A model converted with custom tables (not the IJG tables of its quality) is prompted and scored with streams coded
 * with those tables, the only ones it has seen.
 */
class CustomTablesTest {
    static final JpegProfile PROFILE = TinyJpegLm.PROFILE;
    static final JpegTables TABLES = customTables();
    static Path dir;
    static ImageModel model;
    static List<BufferedImage> pictures = new ArrayList<>();

    /** Other quantizers than quality 25's, and the Annex K luma Huffman tables with their symbols reversed. */
    static JpegTables customTables() {
        int[] quant = new int[64];
        for (int k = 0; k < 64; k++) {
            quant[k] = 30 + 2 * k;
        }
        JpegTables ijg = PROFILE.tables();
        return new JpegTables(List.of(new QuantTable(0, quant)), List.of(reversed(ijg.dc(0)), reversed(ijg.ac(0))));
    }

    static HuffmanTable reversed(HuffmanTable t) {
        int[] s = t.symbols();
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            r[i] = s[s.length - 1 - i];
        }
        return new HuffmanTable(t.tableClass(), t.id(), t.counts(), r);
    }

    @BeforeAll
    static void writeModel() throws IOException {
        dir = Files.createTempDirectory("jpeglm-custom-tables");
        for (int i = 0; i < 4; i++) {
            pictures.add(TinyJpegLm.picture(100 + i));
        }
        // As a converted model's would be, the tokenizer is learned on streams coded with its tables.
        List<byte[]> streams = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            streams.add(custom(TinyJpegLm.picture(i)));
        }
        BpeTokenizer tokenizer =
                new BpeTrainer(40, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS).train(streams);
        JpegLmSpec spec = new JpegLmSpec(PROFILE, TABLES, tokenizer);
        LlamaConfig config = new LlamaConfig(spec.tokenizer().vocabSize(), 32, 2, 4, 2, 48, 256, 10000f, 1e-5f, false);
        Path path = dir.resolve("custom-tables.gguf");
        TinyLlamaGguf.writer(RandomLlama.create(config, 5), GgmlType.F32)
                .putAll(spec.toGguf())
                .write(path);
        model = ImageModel.load(path);
        assertEquals(TABLES, model.spec().tables(), "the tables travel in the file");
    }

    @AfterAll
    static void close() throws IOException {
        model.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    static byte[] custom(BufferedImage image) {
        return new JpegEncoder(PROFILE, TABLES).encode(image);
    }

    static GenerationOptions options() {
        return GenerationOptions.builder().parallel(2).threads(2).seed(3).build();
    }

    @Test
    void streamsAreCodedWithTheModelsTables() {
        try (ImageGenerator g = model.newGenerator(options())) {
            for (BufferedImage p : pictures) {
                assertArrayEquals(custom(p), g.streamOf(p));
                assertFalse(
                        Arrays.equals(new JpegEncoder(PROFILE).encode(p), g.streamOf(p)),
                        "the IJG tables code otherwise");
            }
        }
    }

    @Test
    void completionKeepsThePromptCodedWithTheModelsTables() {
        JpegSyntax grammar = new JpegSyntax(PROFILE, TABLES);
        try (ImageGenerator g = model.newGenerator(options())) {
            List<GeneratedImage> out = g.complete(pictures, 0.5);
            for (int i = 0; i < pictures.size(); i++) {
                byte[] original = custom(pictures.get(i));
                byte[] prefix = JpegStreams.prefix(original, 0.5);
                GeneratedImage img = out.get(i);
                assertArrayEquals(prefix, Arrays.copyOf(img.stream(), prefix.length), "image " + i);
                assertTrue(img.clean(), img.toString());
                assertTrue(grammar.accepts(img.stream()), "valid under the model's tables: " + img);
                assertEquals(
                        TABLES.quant(0), JpegTables.from(img.jpeg()).quant(0), "the file carries the model's tables");
                // The prompt's MCUs (the top half) decode to the original's pixels.
                BufferedImage want = JpegImages.decode(original, TABLES);
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 16; x++) {
                        assertEquals(
                                want.getRaster().getSample(x, y, 0),
                                img.image().getRaster().getSample(x, y, 0),
                                "image " + i + " pixel " + x + "," + y);
                    }
                }
            }
        }
    }

    @Test
    void scoresAreThoseOfTheStreamCodedWithTheModelsTables() {
        try (ImageGenerator g = model.newGenerator(options())) {
            List<Score> scores = g.score(pictures);
            for (int i = 0; i < pictures.size(); i++) {
                byte[] stream = custom(pictures.get(i));
                int[] tokens = model.spec().tokenizer().encode(stream, true, true);
                double nats = 0;
                try (Session s = model.model().newSession(tokens.length + 1)) {
                    float[] logp = s.sequence(0).score(tokens);
                    for (int t = 1; t < tokens.length; t++) {
                        nats -= logp[t];
                    }
                }
                Score score = scores.get(i);
                assertEquals(nats / Math.log(2), score.bits(), 1e-3 * score.bits(), "image " + i);
                assertEquals(tokens.length - 1, score.tokens());
                assertEquals(stream.length, score.bytes());
                Score ijg = g.scoreStreams(List.of(new JpegEncoder(PROFILE).encode(pictures.get(i))))
                        .getFirst();
                assertNotEquals(ijg.bits(), score.bits(), 1e-3 * score.bits(), "the IJG stream scores otherwise");
            }
        }
    }
}
