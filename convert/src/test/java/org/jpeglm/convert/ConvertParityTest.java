package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
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
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hugging Face checkpoints written from random Llama weights (transformers' layout: rotate-half Q/K rows, [out, in]
 * matrices, tied or untied, sharded or not) are converted, loaded through llama.cpp, and their logits compared with
 * the plain-Java reference forward pass run on the very same HF tensors. A wrong Q/K permutation, a transposed
 * matrix, a swapped tensor, a lost norm or a wrong hyper-parameter gives errors of order 1.
 */
class ConvertParityTest {
    static final LlamaConfig MHA_UNTIED = new LlamaConfig(578, 64, 2, 4, 4, 128, 256, 10000f, 1e-5f, false);
    static final LlamaConfig GQA_UNTIED = new LlamaConfig(578, 96, 3, 6, 2, 160, 256, 10000f, 1e-5f, false);
    static final LlamaConfig MQA_TIED = new LlamaConfig(300, 64, 2, 4, 1, 96, 256, 500000f, 1e-6f, true);
    static final LlamaConfig GQA_TIED = new LlamaConfig(578, 128, 2, 8, 2, 256, 256, 10000f, 1e-5f, true);

    /**
     * @param shards 1: model.safetensors; n &gt; 1: n shards with an index; -n: n shards without index
     * @param matrixType the GGUF type the matrices must have
     */
    record Case(
            String name,
            LlamaConfig config,
            long seed,
            String dtype,
            int shards,
            String type,
            GgmlType matrixType,
            double tolerance) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("MHA untied F32 -> f32", MHA_UNTIED, 1, "F32", 1, "f32", GgmlType.F32, 1e-4),
                new Case("GQA untied F32, 3 shards + index -> f32", GQA_UNTIED, 2, "F32", 3, "f32", GgmlType.F32, 1e-4),
                new Case(
                        "MQA tied F32, 2 shards without index -> f32",
                        MQA_TIED,
                        3,
                        "F32",
                        -2,
                        "f32",
                        GgmlType.F32,
                        1e-4),
                new Case("GQA tied F32 -> f32", GQA_TIED, 4, "F32", 1, "f32", GgmlType.F32, 1e-4),
                new Case("MQA tied F16 -> f32", MQA_TIED, 5, "F16", 1, "f32", GgmlType.F32, 1e-4),
                new Case("GQA tied BF16 -> auto (bf16)", GQA_TIED, 6, "BF16", 1, "auto", GgmlType.BF16, 1e-2),
                new Case(
                        "MHA untied F16, 2 shards + index -> auto (f16)",
                        MHA_UNTIED,
                        7,
                        "F16",
                        2,
                        "auto",
                        GgmlType.F16,
                        1e-2),
                new Case("GQA untied F32 -> f16", GQA_UNTIED, 8, "F32", 1, "f16", GgmlType.F16, 1e-2),
                new Case("GQA untied F32 -> bf16", GQA_UNTIED, 9, "F32", 1, "bf16", GgmlType.BF16, 1e-2),
                new Case("GQA tied BF16 -> f16", GQA_TIED, 10, "BF16", 2, "f16", GgmlType.F16, 1e-2),
                new Case("MHA untied F32 -> q8_0", MHA_UNTIED, 11, "F32", 1, "q8_0", GgmlType.Q8_0, 5e-2),
                new Case(
                        "GQA untied BF16, 2 shards + index -> q8_0",
                        GQA_UNTIED,
                        12,
                        "BF16",
                        2,
                        "q8_0",
                        GgmlType.Q8_0,
                        5e-2));
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convertedLogitsMatchTheReferenceOnTheHfTensors(Case c) throws IOException {
        LlamaWeights weights = RandomLlama.create(c.config(), c.seed());
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt"), weights, c.dtype(), c.shards());
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(c.config().vocabSize(), c.seed()), JpegProfile.PAPER);
        Path out = dir.resolve("out/model.gguf");
        ConvertResult result =
                Converter.convert(Models.convert(ckpt, out, c.type()).build());
        assertTrue(result.jpegLm());
        assertEquals(Files.size(out), result.fileBytes());

        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(
                    c.matrixType(),
                    f.tensor("blk.0.attn_q.weight").orElseThrow().type());
            assertEquals(
                    c.matrixType(),
                    f.tensor("blk.1.ffn_down.weight").orElseThrow().type());
            assertEquals(
                    GgmlType.F32,
                    f.tensor("blk.0.attn_norm.weight").orElseThrow().type(),
                    "norms stay F32");
            assertEquals(
                    GgmlType.F32, f.tensor("output_norm.weight").orElseThrow().type());
            assertEquals(!c.config().tiedEmbeddings(), f.tensor("output.weight").isPresent());
            assertEquals(
                    2 + 9 * c.config().layers() + (c.config().tiedEmbeddings() ? 0 : 1),
                    f.tensors().size());
        }

        int[] tokens = Models.randomTokens(24, c.config().vocabSize(), c.seed() + 100);
        LlamaWeights stored = HfCheckpoints.rounded(weights, c.dtype());
        float[] expected = new LlamaReference(stored, RopeStyle.HALF).logits(tokens)[tokens.length - 1];
        float[] got = Models.lastLogits(out, tokens);
        double err = Models.relativeError(got, expected);
        System.out.printf("%s: relative error %.3g%n", c, err);
        assertTrue(err < c.tolerance(), c + ": relative error " + err + " >= " + c.tolerance());
    }
}
