package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LlamaReference;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.RopeStyle;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Java GGUF writer's F16, BF16 and Q8_0 tensors run in llama.cpp close to the float32 reference. A wrong
 * encoding (byte order, rounding, block layout) gives errors of order 1, far above these bounds.
 */
class QuantizedParityTest {
    // Widths are multiples of Q8_0's block of 32.
    static final LlamaConfig CONFIG = new LlamaConfig(256, 64, 2, 4, 2, 128, 256, 10000f, 1e-5f, false);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"F16, 1e-2", "BF16, 1e-2", "Q8_0, 5e-2"})
    void logitsStayWithinTheTypesPrecision(GgmlType type, double tolerance) throws IOException {
        LlamaWeights weights = RandomLlama.create(CONFIG, 7);
        Path path = dir.resolve(type + ".gguf");
        TinyLlamaGguf.write(weights, path, type);
        int[] tokens = ParityTest.randomTokens(20, CONFIG.vocabSize(), 21);
        float[][] expected = new LlamaReference(weights, RopeStyle.HALF).logits(tokens);
        try (Model model = Model.load(path, TinyModels.options());
                Session session = model.newSession(TinyModels.exact(64).build())) {
            session.sequence(0).feed(tokens);
            double err = TinyModels.relativeError(session.sequence(0).logits(), expected[tokens.length - 1]);
            assertTrue(err < tolerance, type + ": relative error " + err);
            assertTrue(err > 1e-7, type + " should not be exact: is the type really used? error " + err);
        }
    }
}
