package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.jpeglm.Model;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.bpe.TokenPair;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.IgptProfileFile;
import org.jpeglm.codec.igpt.IgptSpec;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint with an igpt profile becomes a pixel model's file: the jpeglm.igpt.* keys and its small tokenizer. */
class ConvertPixelTest {
    @TempDir
    Path dir;

    private final LlamaWeights weights = RandomLlama.create(ConvertFeaturesTest.GQA, 5);

    private Path checkpoint(String codec, BpeTokenizer tokenizer) throws IOException {
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), weights, "F32", 1);
        HfTokenizerJson.write(tokenizer, ckpt.resolve("tokenizer.json"));
        IgptProfileFile.write(
                ckpt.resolve(IgptProfileFile.FILE_NAME),
                new IgptProfileFile.Contents(codec, IgptProfile.fashionMnist(4)));
        return ckpt;
    }

    @Test
    void theProfileAndTokenizerBecomeTheFilesKeys() throws Exception {
        BpeTokenizer tokenizer = BpeTokenizer.fromMerges(4, List.of(new TokenPair(0, 0)), "<s>", "</s>");
        Path out = dir.resolve("pixels.gguf");
        Converter.convert(
                Models.convert(checkpoint("bpe-igpt", tokenizer), out, "f32").build());
        try (GgufFile f = GgufFile.open(out)) {
            Map<String, GgufValue> m = f.metadata();
            IgptSpec spec = IgptSpec.fromGguf(m);
            assertEquals(new IgptSpec(IgptProfile.fashionMnist(4), tokenizer), spec);
            assertEquals("bpe-igpt", spec.codec());
            assertFalse(m.containsKey(JpegLmSpec.QUALITY_KEY), "no JPEG keys in a pixel model");
        }
        StringWriter info = new StringWriter();
        GgufInfo.print(out, new PrintWriter(info), false, false);
        assertTrue(info.toString().contains("bpe-igpt: 28x28 pixels in raster order, 4 gray levels"), info.toString());
        try (Model model = Model.load(out, Models.options())) {
            assertEquals(ConvertFeaturesTest.GQA.vocabSize(), model.vocabSize());
        }
    }

    @Test
    void aProfileThatDoesNotFitTheTokenizerIsRefused() throws Exception {
        BpeTokenizer igpt = BpeTokenizer.fromMerges(4, List.of(), "<s>", "</s>");
        Path ckpt = checkpoint("bpe-igpt", igpt);
        var e = assertThrows(
                CheckpointException.class,
                () -> Converter.convert(
                        Models.convert(ckpt, dir.resolve("x.gguf"), "f32").build()));
        assertTrue(e.getMessage().contains("codec is bpe-igpt"), e.getMessage());
        HfTokenizerJson.write(BpeTokenizer.fromMerges(8, List.of(), "<s>", "</s>"), ckpt.resolve("tokenizer.json"));
        var alphabet = assertThrows(
                CheckpointException.class,
                () -> Converter.convert(
                        Models.convert(ckpt, dir.resolve("x.gguf"), "f32").build()));
        assertTrue(alphabet.getMessage().contains("alphabet"), alphabet.getMessage());
        assertFalse(Files.exists(dir.resolve("x.gguf")));
    }

    @Test
    void aCheckpointWithAnotherProfileToo() throws Exception {
        Path ckpt = checkpoint("igpt", BpeTokenizer.fromMerges(4, List.of(), "<s>", "</s>"));
        JpegProfileFile.write(ckpt.resolve(JpegProfileFile.FILE_NAME), JpegProfile.PAPER, null);
        var e = assertThrows(
                CheckpointException.class,
                () -> Converter.convert(
                        Models.convert(ckpt, dir.resolve("x.gguf"), "f32").build()));
        assertTrue(e.getMessage().contains(IgptProfileFile.FILE_NAME), e.getMessage());
        Files.writeString(ckpt.resolve(IgptProfileFile.FILE_NAME), "{\"format\": \"jpeglm-igpt-profile\"}");
        Files.delete(ckpt.resolve(JpegProfileFile.FILE_NAME));
        var broken = assertThrows(
                CheckpointException.class,
                () -> Converter.convert(
                        Models.convert(ckpt, dir.resolve("x.gguf"), "f32").build()));
        assertTrue(broken.getMessage().contains("pixel profile"), broken.getMessage());
    }
}
