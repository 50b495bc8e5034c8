package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jpeglm.Model;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.convert.ConvertOptions;
import org.jpeglm.convert.Converter;
import org.jpeglm.testing.ScriptRun;
import org.jpeglm.train.FashionMnist;
import org.jpeglm.train.FashionMnistPreparation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The bundled model's recipe, end to end on a small scale: Java data preparation, train/train_llama.py (NumPy) or
 * train/train_llama_torch.py (PyTorch, the GPU trainer, here on the CPU), the converter, llama.cpp. llama.cpp's
 * logits for the converted checkpoint equal the trainer's own, so what a trainer learns is what jpeglm runs. Needs
 * python3 with numpy and torch, and Fashion-MNIST (./run-tests installs them; without them it fails).
 */
class TrainRecipeTest {
    static Path trainDir;
    static String python;

    @BeforeAll
    static void findTrainDir() {
        // Tests run in cli/; the recipe's Python lives in train/ beside it.
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
        trainDir = base.resolveSibling("train");
        // The first Python with NumPy and PyTorch: the one on PATH, else Debian's.
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            if (run(List.of(candidate, "-c", "import numpy, torch"), trainDir).exit() == 0) {
                python = candidate;
                break;
            }
        }
        // Required, not optional: ./run-tests installs them, so a missing one fails instead of skipping silently.
        assertNotNull(
                python,
                "python3 with numpy and torch is not installed: run scripts/install-prerequisites --test"
                        + " (python3-numpy, python3-torch)");
        assertTrue(
                Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "Fashion-MNIST is not installed: run scripts/install-prerequisites --test (dataset-fashion-mnist)");
    }

    static ScriptRun run(List<String> command, Path dir) {
        return ScriptRun.run(command, dir);
    }

    static ScriptRun run(List<String> command, Path dir, Map<String, String> env) {
        return ScriptRun.run(command, dir, env);
    }

    @Test
    void backwardPassMatchesFiniteDifferences() {
        ScriptRun r = run(List.of(python, "test_train_llama.py"), trainDir);
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void torchTrainerMatchesTheNumpyTrainer() {
        // Same loss and gradients on a batch, same state after steps, same checkpoint after a run, resumable by
        // either trainer, BF16 shards that read back as the rounded weights.
        ScriptRun r = run(List.of(python, "test_train_llama_torch.py"), trainDir);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("OK"), r.output());
    }

    @ParameterizedTest
    @ValueSource(strings = {"train_llama.py", "train_llama_torch.py"})
    void preparedDataTrainedConvertedAndRunByLlamaCppGivesTheSameLogits(String trainer, @TempDir Path tmp)
            throws Exception {
        Path checkpoint = trainTiny(trainer, tmp);
        Path gguf = tmp.resolve("model.gguf");
        Converter.convert(ConvertOptions.builder(checkpoint, gguf)
                .type(org.jpeglm.FileType.F32)
                .build());
        assertLlamaCppLogitsEqualTrainers(trainer, checkpoint, gguf, tmp);
    }

    @Test
    void anF32GgufImportsBackToTheCheckpointsWeights(@TempDir Path tmp) throws Exception {
        // --init-from MODEL.gguf starts training from a bundled model (whose checkpoint is gone): the converter's
        // Q/K row permutation undone, the same weights to the bit.
        Path checkpoint = trainTiny("train_llama.py", tmp);
        Path gguf = tmp.resolve("model.gguf");
        Converter.convert(ConvertOptions.builder(checkpoint, gguf)
                .type(org.jpeglm.FileType.F32)
                .build());
        Path imported = tmp.resolve("imported");
        List<String> cmd = new ArrayList<>(List.of(
                python, "train_llama.py", "--data", tmp.resolve("data").toString(), "--out", imported.toString()));
        cmd.addAll(TINY);
        cmd.addAll(List.of("--steps", "0", "--init-from", gguf.toString()));
        ScriptRun r = run(cmd, trainDir);
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("initialised from"), r.output());
        assertEquals(
                -1L,
                Files.mismatch(checkpoint.resolve("model.safetensors"), imported.resolve("model.safetensors")),
                "the imported weights differ from the checkpoint's");

        // train/make-bundled-model --from-f32: export takes the GGUF back to a checkpoint, which converts (with the
        // GGUF's own tokenizer and profile) to the same file byte for byte, so a quantized copy is one of this one.
        Path exported = tmp.resolve("exported");
        ScriptRun export = run(
                List.of(python, "train_llama.py", "export", gguf.toString(), exported.toString(), "--dtype", "F32"),
                trainDir);
        assertEquals(0, export.exit(), export.output());
        assertEquals(
                -1L, Files.mismatch(checkpoint.resolve("model.safetensors"), exported.resolve("model.safetensors")));
        Path again = tmp.resolve("again.gguf");
        CliTest.Run convert = CliTest.run(
                "convert",
                exported.toString(),
                "-o",
                again.toString(),
                "--type",
                "f32",
                "--tokenizer",
                gguf.toString(),
                "--profile",
                gguf.toString(),
                "--name",
                checkpoint.getFileName().toString());
        assertEquals(0, convert.exit(), convert.err());
        assertEquals(-1L, Files.mismatch(gguf, again), "the GGUF made again from its export differs");
    }

    @Test
    void bf16ShardsExportedForTheGpuRunConvertToTheRoundedModel(@TempDir Path tmp) throws Exception {
        // train/gpu-train brings a model back as BF16 shards (train_llama.py export); the converter reads them.
        Path checkpoint = trainTiny("train_llama.py", tmp);
        Path exported = tmp.resolve("exported");
        ScriptRun export = run(
                List.of(
                        python,
                        "train_llama.py",
                        "export",
                        checkpoint.toString(),
                        exported.toString(),
                        "--dtype",
                        "BF16",
                        "--shard-mib",
                        "0.01"),
                trainDir);
        assertEquals(0, export.exit(), export.output());
        assertTrue(Files.exists(exported.resolve("model.safetensors.index.json")));
        try (var files = Files.list(exported)) {
            long shards = files.filter(f -> f.getFileName().toString().matches("model-\\d{5}-of-\\d{5}\\.safetensors"))
                    .count();
            assertTrue(shards > 1, "several shards: " + shards);
        }
        Path gguf = tmp.resolve("model.gguf");
        Converter.convert(ConvertOptions.builder(exported, gguf)
                .type(org.jpeglm.FileType.F32)
                .build());
        // Compared with the NumPy forward pass of the BF16 weights, which it reads from the shards.
        assertLlamaCppLogitsEqualTrainers("train_llama.py", exported, gguf, tmp);
    }

    @Test
    void gpuTrainRunsAtTinyScaleAndItsPartsConvert(@TempDir Path tmp) throws Exception {
        // The device command (train/gpu-train run), on the CPU with a tiny model: it trains with the PyTorch
        // trainer, exports BF16 and splits a tar into parts the device can bring back; the parts, joined, convert.
        Path data = prepareTiny(tmp);
        Path out = Files.createDirectories(tmp.resolve("out"));
        List<String> cmd = new ArrayList<>(List.of(trainDir.resolve("gpu-train").toString(), "run"));
        cmd.addAll(TINY);
        cmd.addAll(List.of("--data", data.toString(), "--device", "cpu", "--decay-steps", "2"));
        ScriptRun r = run(cmd, trainDir, Map.of("GPU_TRAIN_OUT", out.toString(), "GPU_TRAIN_SECONDS", "600"));
        assertEquals(0, r.exit(), r.output());
        assertTrue(Files.readString(out.resolve("train.log")).contains("test set:"), r.output());
        Path part = out.resolve("model.tar.part00");
        assertTrue(Files.isRegularFile(part), r.output());
        assertTrue(Files.size(part) <= 15 << 20);
        Path checkpoint = Files.createDirectories(tmp.resolve("joined"));
        ScriptRun untar = run(
                List.of(
                        "bash",
                        "-c",
                        "cat \"$0\"/model.tar.part* | tar -C \"$1\" -xf -",
                        out.toString(),
                        checkpoint.toString()),
                tmp);
        assertEquals(0, untar.exit(), untar.output());
        Path gguf = tmp.resolve("model.gguf");
        Converter.convert(ConvertOptions.builder(checkpoint, gguf)
                .type(org.jpeglm.FileType.F32)
                .build());
        assertLlamaCppLogitsEqualTrainers("train_llama_torch.py", checkpoint, gguf, tmp);
    }

    /** A 2-layer model of 32 for 6 steps of 4 windows, evaluated on 8 windows. */
    static final List<String> TINY = List.of(
            "--dim",
            "32",
            "--layers",
            "2",
            "--heads",
            "2",
            "--ffn",
            "48",
            "--max-positions",
            "128",
            "--batch",
            "4",
            "--steps",
            "6",
            "--eval-every",
            "3",
            "--eval-windows",
            "8",
            "--checkpoint-every",
            "3",
            "--warmup",
            "2");

    /** 300 training and 40 test images, 40 merges, windows of 64. */
    static Path prepareTiny(Path tmp) throws IOException {
        Path data = tmp.resolve("data");
        var prepared = new FashionMnistPreparation(new FashionMnistPreparation.Options(
                        FashionMnist.DEBIAN_DIR, data, 300, 40, 32, 25, 40, 300, 64))
                .run();
        assertEquals(300, prepared.trainImages());
        return data;
    }

    /** Prepares 300 images and trains a 2-layer model for 6 steps with the trainer; returns its checkpoint. */
    static Path trainTiny(String trainer, Path tmp) throws IOException {
        Path data = prepareTiny(tmp);
        Path checkpoint = tmp.resolve("checkpoint");
        List<String> cmd =
                new ArrayList<>(List.of(python, trainer, "--data", data.toString(), "--out", checkpoint.toString()));
        cmd.addAll(TINY);
        ScriptRun train = run(cmd, trainDir);
        assertEquals(0, train.exit(), train.output());
        assertTrue(train.output().contains("test set:"), train.output());
        return checkpoint;
    }

    /** llama.cpp's last-position logits for a real image's first 40 tokens equal the trainer's own forward pass. */
    static void assertLlamaCppLogitsEqualTrainers(String trainer, Path checkpoint, Path gguf, Path tmp)
            throws IOException {
        try (Model model = Model.load(gguf)) {
            JpegLmSpec spec = JpegLmSpec.fromMetadata(model.metadata().values());
            assertEquals(32, spec.profile().width());
            // A real image's tokens, as the model sees them.
            byte[] stream = new org.jpeglm.jpeg.JpegEncoder(spec.profile())
                    .encode(FashionMnist.pad(
                            FashionMnist.read(FashionMnist.DEBIAN_DIR, false, 1)
                                    .getFirst()
                                    .image(),
                            32));
            int[] tokens = java.util.Arrays.copyOf(spec.tokenizer().encode(stream, true, false), 40);
            Path logitsFile = tmp.resolve("logits.f32");
            List<String> cmd = new ArrayList<>(List.of(python, trainer, "logits", checkpoint.toString()));
            cmd.add(String.join(
                    ",",
                    java.util.Arrays.stream(tokens).mapToObj(Integer::toString).toList()));
            cmd.add(logitsFile.toString());
            ScriptRun logits = run(cmd, trainDir);
            assertEquals(0, logits.exit(), logits.output());
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(logitsFile)).order(ByteOrder.LITTLE_ENDIAN);
            int vocab = model.vocabSize();
            float[] expected = new float[vocab];
            buf.position(4 * vocab * (tokens.length - 1));
            buf.asFloatBuffer().get(expected);
            try (Session s = model.newSession(SessionOptions.builder()
                    .contextLength(64)
                    .kvCacheType(SessionOptions.KvCacheType.F32)
                    .flashAttention(SessionOptions.FlashAttention.OFF)
                    .build())) {
                s.sequence(0).feed(tokens);
                float[] got = s.sequence(0).logits();
                double num = 0;
                double den = 0;
                for (int i = 0; i < vocab; i++) {
                    num = Math.max(num, Math.abs(got[i] - expected[i]));
                    den = Math.max(den, Math.abs(expected[i]));
                }
                assertTrue(num / den < 1e-4, "llama.cpp vs " + trainer + " relative error " + num / den);
            }
        }
    }
}
