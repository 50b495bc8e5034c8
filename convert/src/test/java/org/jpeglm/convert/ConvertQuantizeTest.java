package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.Model;
import org.jpeglm.Session;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LlamaReference;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.RopeStyle;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** k-quants through llama.cpp's quantizer: the file loads, keeps the Jpeg-LM keys, stays near the reference, generates. */
class ConvertQuantizeTest {
    // Rows of 256 and 512 values, so k-quants apply without fallback.
    static final LlamaConfig CONFIG = new LlamaConfig(578, 256, 2, 4, 2, 512, 256, 10000f, 1e-5f, false);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} checkpoint -> {1}")
    @CsvSource({"F32, q4_k_m, Q4_K, 0.3", "BF16, q6_k, Q6_K, 0.1", "F16, q5_k_m, Q5_K, 0.2"})
    void kQuantsLoadAndGenerate(String dtype, String type, GgmlType expected, double tolerance) throws IOException {
        LlamaWeights w = RandomLlama.create(CONFIG, 13);
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), w, dtype, 2);
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(CONFIG.vocabSize(), 5), JpegProfile.PAPER);
        Path outDir = Files.createDirectories(dir.resolve("out"));
        Path out = outDir.resolve("model.gguf");
        ConvertResult r =
                Converter.convert(Models.convert(ckpt, out, type).threads(2).build());
        assertEquals(List.of("model.gguf"), ConvertErrorsTest.listing(outDir), "the temporary file is gone");
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(expected, f.tensor("blk.0.ffn_up.weight").orElseThrow().type());
            assertEquals(
                    GgmlType.F32,
                    f.tensor("blk.0.attn_norm.weight").orElseThrow().type());
            assertEquals(
                    org.jpeglm.FileType.of(type).id(),
                    f.get("general.file_type").orElseThrow().asLong());
            long params = f.tensors().stream()
                    .mapToLong(org.jpeglm.gguf.GgufTensorInfo::elementCount)
                    .sum();
            assertTrue(
                    r.fileBytes() < 0.35 * 4 * params,
                    "at most ~11 bits per weight: " + r.fileBytes() + " bytes for " + params);
            JpegLmSpec spec = JpegLmSpec.fromMetadata(f.metadata());
            assertEquals(JpegProfile.PAPER, spec.profile());
            assertEquals(CONFIG.vocabSize(), spec.tokenizer().vocabSize());
        }

        int[] tokens = Models.randomTokens(16, CONFIG.vocabSize(), 4);
        float[] reference =
                new LlamaReference(HfCheckpoints.rounded(w, dtype), RopeStyle.HALF).logits(tokens)[tokens.length - 1];
        double err = Models.relativeError(Models.lastLogits(out, tokens), reference);
        System.out.printf("%s -> %s: relative error %.3g%n", dtype, type, err);
        assertTrue(err < tolerance, type + ": relative error " + err);
        assertTrue(err > 1e-4, type + " should not be exact: is it really quantized? " + err);
        try (Model m = Model.load(out, Models.options());
                Session s = m.newSession(Models.exact(64))) {
            s.sequence(0).feed(tokens);
            for (int i = 0; i < 10; i++) {
                int t = s.sequence(0).step();
                assertTrue(t >= 0 && t < CONFIG.vocabSize(), "token " + t);
            }
            assertEquals(tokens.length + 10, s.length(0), "each step appends its token");
        }
    }
}
