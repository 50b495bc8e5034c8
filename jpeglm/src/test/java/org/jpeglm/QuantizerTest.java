package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LlamaReference;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.RopeStyle;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantizerTest {
    // Rows of 256 values so the k-quants apply without fallback.
    static final LlamaConfig CONFIG = new LlamaConfig(256, 256, 2, 4, 2, 512, 256, 10000f, 1e-5f, false);

    @TempDir
    Path dir;

    Path f32(LlamaWeights w) throws IOException {
        Path p = dir.resolve("f32.gguf");
        TinyLlamaGguf.writer(w, GgmlType.F32)
                .put("jpeglm.example", GgufValue.strings(List.of("kept")))
                .write(p);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"Q8_0, Q8_0, 5e-2", "Q4_K_M, Q4_K, 0.3", "F16, F16, 1e-2"})
    void quantizedFilesLoadKeepMetadataAndStayNearTheReference(FileType type, GgmlType expected, double tolerance)
            throws IOException {
        LlamaWeights w = RandomLlama.create(CONFIG, 9);
        Path in = f32(w);
        Path out = dir.resolve(type + ".gguf");
        Quantizer.quantize(in, out, type, 2);
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(List.of("kept"), f.get("jpeglm.example").orElseThrow().asStringList());
            assertEquals(expected, f.tensor("blk.0.ffn_up.weight").orElseThrow().type());
            assertTrue(Files.size(out) < Files.size(in));
        }
        int[] tokens = ParityTest.randomTokens(16, CONFIG.vocabSize(), 4);
        float[] expectedLogits = new LlamaReference(w, RopeStyle.HALF).logits(tokens)[tokens.length - 1];
        try (Model m = Model.load(out, TinyModels.options());
                Session s = m.newSession(64)) {
            s.sequence(0).feed(tokens);
            double err = TinyModels.relativeError(s.sequence(0).logits(), expectedLogits);
            assertTrue(err < tolerance, type + ": relative error " + err);
            assertTrue(s.sequence(0).step() >= 0);
        }
    }

    @Test
    void failuresLeaveNoOutput() throws IOException {
        Path in = f32(RandomLlama.create(CONFIG, 9));
        Path out = dir.resolve("out.gguf");
        JpeglmException missing = assertThrows(
                JpeglmException.class, () -> Quantizer.quantize(dir.resolve("none.gguf"), out, FileType.Q8_0, 1));
        assertEquals(ErrorCode.IO, missing.code());

        Path q8 = dir.resolve("q8.gguf");
        Quantizer.quantize(in, q8, FileType.Q8_0, 1);
        JpeglmException requantize =
                assertThrows(JpeglmException.class, () -> Quantizer.quantize(q8, out, FileType.Q4_K_M, 1));
        assertEquals(ErrorCode.UNSUPPORTED, requantize.code());
        assertTrue(requantize.getMessage().contains("already quantized"), requantize.getMessage());

        Path notGguf = dir.resolve("text.gguf");
        Files.writeString(notGguf, "not a model");
        assertEquals(
                ErrorCode.FORMAT,
                assertThrows(JpeglmException.class, () -> Quantizer.quantize(notGguf, out, FileType.Q8_0, 1))
                        .code());

        try (var files = Files.list(dir)) {
            assertEquals(
                    List.of("f32.gguf", "q8.gguf", "text.gguf"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no partial output");
        }
    }
}
