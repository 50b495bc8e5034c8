package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jpeglm.Model;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.convert.ConvertOptions;
import org.jpeglm.convert.Converter;
import org.jpeglm.spec.JpegLmSpec;
import org.jpeglm.train.FashionMnist;
import org.jpeglm.train.FashionMnistPreparation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled model's recipe, end to end on a small scale: Java data preparation, train/train_llama.py (NumPy),
 * the converter, llama.cpp. llama.cpp's logits for the converted checkpoint equal the NumPy model's, so what the
 * trainer learns is what jpeglm runs. Needs python3 with numpy and Fashion-MNIST (./run-tests installs both; without them it fails).
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
        // The first Python with NumPy: the one on PATH, else Debian's.
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            if (run(List.of(candidate, "-c", "import numpy"), trainDir).exit() == 0) {
                python = candidate;
                break;
            }
        }
        // Required, not optional: ./run-tests installs both, so a missing one fails instead of skipping silently.
        assertNotNull(
                python,
                "python3 with numpy is not installed: run scripts/install-prerequisites --test (python3-numpy)");
        assertTrue(
                Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "Fashion-MNIST is not installed: run scripts/install-prerequisites --test (dataset-fashion-mnist)");
    }

    record Result(int exit, String output) {}

    static Result run(List<String> command, Path dir) {
        try {
            Process p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, out + "\n(timed out)");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, e.toString());
        }
    }

    @Test
    void backwardPassMatchesFiniteDifferences() {
        Result r = run(List.of(python, "test_train_llama.py"), trainDir);
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void preparedDataTrainedConvertedAndRunByLlamaCppGivesTheSameLogits(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path checkpoint = tmp.resolve("checkpoint");
        var prepared = new FashionMnistPreparation(new FashionMnistPreparation.Options(
                        FashionMnist.DEBIAN_DIR, data, 300, 40, 32, 25, 40, 300, 64))
                .run();
        assertEquals(300, prepared.trainImages());
        Result train = run(
                List.of(
                        python,
                        "train_llama.py",
                        "--data",
                        data.toString(),
                        "--out",
                        checkpoint.toString(),
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
                        "2"),
                trainDir);
        assertEquals(0, train.exit(), train.output());
        assertTrue(train.output().contains("test set:"), train.output());

        Path gguf = tmp.resolve("model.gguf");
        Converter.convert(ConvertOptions.builder(checkpoint, gguf)
                .type(org.jpeglm.FileType.F32)
                .build());
        int[] tokens;
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
            tokens = java.util.Arrays.copyOf(spec.tokenizer().encode(stream, true, false), 40);
            Path logitsFile = tmp.resolve("logits.f32");
            List<String> cmd = new ArrayList<>(List.of(python, "train_llama.py", "logits", checkpoint.toString()));
            cmd.add(String.join(
                    ",",
                    java.util.Arrays.stream(tokens).mapToObj(Integer::toString).toList()));
            cmd.add(logitsFile.toString());
            Result logits = run(cmd, trainDir);
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
                s.feed(0, tokens);
                float[] got = s.logits(0);
                double num = 0;
                double den = 0;
                for (int i = 0; i < vocab; i++) {
                    num = Math.max(num, Math.abs(got[i] - expected[i]));
                    den = Math.max(den, Math.abs(expected[i]));
                }
                assertTrue(num / den < 1e-4, "llama.cpp vs NumPy relative error " + num / den);
            }
        }
    }
}
