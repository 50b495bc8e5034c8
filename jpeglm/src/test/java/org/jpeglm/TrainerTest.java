package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufTensorInfo;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** llama.cpp's optimizer, driven through Trainer, learns a simple sequence and changes the saved weights. */
class TrainerTest {
    // Context 256: llama.cpp makes contexts in multiples of 256, and training windows must match it.
    static final LlamaConfig CONFIG = new LlamaConfig(64, 32, 2, 4, 2, 64, 256, 10000f, 1e-5f, false);

    @TempDir
    Path dir;

    /** Windows of a deterministic rule: after t comes (5t + 3) mod 64; labels are the following tokens. */
    static int[][] data(int windows, int ctx, long seed) {
        Random r = new Random(seed);
        int[] tokens = new int[windows * ctx];
        int[] labels = new int[tokens.length];
        for (int w = 0; w < windows; w++) {
            int t = r.nextInt(64);
            for (int i = 0; i < ctx; i++) {
                tokens[w * ctx + i] = t;
                t = (5 * t + 3) % 64;
                labels[w * ctx + i] = t;
            }
        }
        return new int[][] {tokens, labels};
    }

    Path model(String name) throws IOException {
        Path p = dir.resolve(name);
        TinyLlamaGguf.write(RandomLlama.create(CONFIG, 3), p, GgmlType.F32);
        return p;
    }

    static ModelOptions inMemory() {
        return ModelOptions.builder()
                .mmap(false)
                .gpuLayers(TinyModels.options().gpuLayers())
                .build();
    }

    @Test
    void trainingLowersTheLossAndTheModelThenPredictsTheRule() throws IOException {
        Path path = model("train.gguf");
        Path saved = dir.resolve("trained.gguf");
        try (Model model = Model.load(path, inMemory())) {
            try (Trainer trainer = Trainer.create(model, 64, 2)) {
                assertEquals(256, trainer.contextLength());
                trainer.setOptimizer(Trainer.AdamW.of(3e-3f));
                int[][] d = data(8, 256, 1);
                Trainer.Losses first = trainer.run(d[0], d[1], 0); // evaluation only
                assertTrue(Float.isNaN(first.train()), "nothing trained: NaN");
                Trainer.Losses last = first;
                for (int epoch = 0; epoch < 20; epoch++) {
                    last = trainer.run(d[0], d[1], 6);
                }
                assertTrue(first.eval() > 3.0, "an untrained model is near log(64) = 4.16: " + first);
                assertTrue(last.eval() < 0.5, "held-out windows follow the learned rule: " + last);
                assertTrue(Float.isNaN(trainer.run(d[0], d[1], 8).eval()), "no held-out windows: NaN");
            }
            // The session sees the trained weights: after a prompt that follows the rule, greedy steps continue it.
            try (Session s = model.newSession(64)) {
                int t = 10;
                for (int i = 0; i < 16; i++) {
                    s.sequence(0).feed(t);
                    t = (5 * t + 3) % 64;
                }
                s.sequence(0).feed(t);
                for (int i = 0; i < 10; i++) {
                    t = (5 * t + 3) % 64;
                    assertEquals(t, s.sequence(0).step(), "step " + i);
                }
            }
            model.saveWeights(saved);
        }
        try (GgufFile before = GgufFile.open(path);
                GgufFile after = GgufFile.open(saved)) {
            GgufTensorInfo a = before.tensor("blk.0.ffn_up.weight").orElseThrow();
            GgufTensorInfo b = after.tensor("blk.0.ffn_up.weight").orElseThrow();
            assertArrayEquals(a.shape(), b.shape());
            assertFalse(java.util.Arrays.equals(before.readFloats(a), after.readFloats(b)), "the weights changed");
        }
    }

    @Test
    void misuseIsRefusedClearly() throws IOException {
        Path path = model("misuse.gguf");
        ModelOptions mapping = ModelOptions.builder()
                .mmap(true)
                .gpuLayers(TinyModels.options().gpuLayers())
                .build();
        try (Model mapped = Model.load(path, mapping)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Trainer.create(mapped, 0, 1));
            assertTrue(e.getMessage().contains("NO_MMAP"), e.getMessage());
        }
        try (Model model = Model.load(path, inMemory());
                Trainer trainer = Trainer.create(model, 0, 1)) {
            assertThrows(
                    IllegalArgumentException.class, () -> Trainer.create(model, 100, 1), "100 does not divide 256");
            int[][] d = data(1, 256, 2);
            d[0][17] = 64; // outside the vocabulary
            assertThrows(IllegalArgumentException.class, () -> trainer.run(d[0], d[1], 1));
            assertThrows(IllegalArgumentException.class, () -> trainer.run(new int[100], new int[100], 0));
            assertThrows(IllegalArgumentException.class, () -> trainer.setOptimizer(Trainer.AdamW.of(Float.NaN)));
            // ggml-opt aborts the process on a learning rate of 0: refused before it gets there.
            assertThrows(IllegalArgumentException.class, () -> trainer.setOptimizer(Trainer.AdamW.of(0f)));
            assertThrows(IllegalStateException.class, model::close, "a trainer is open");
        }
        Path q8 = dir.resolve("q8.gguf");
        TinyLlamaGguf.write(RandomLlama.create(CONFIG, 3), q8, GgmlType.Q8_0);
        try (Model model = Model.load(q8, inMemory())) {
            JpeglmException e = assertThrows(JpeglmException.class, () -> Trainer.create(model, 0, 1));
            assertEquals(ErrorCode.UNSUPPORTED, e.code());
            assertTrue(e.getMessage().toUpperCase().contains("Q8_0"), e.getMessage());
        }
    }
}
