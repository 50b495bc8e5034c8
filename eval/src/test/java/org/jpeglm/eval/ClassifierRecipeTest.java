package org.jpeglm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.testing.ScriptRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier's recipe on a small scale: train_classifier.py's backward pass against finite differences, and a
 * file it writes loaded by Java, which computes the logits NumPy wrote into it. Needs python3 with numpy
 * (./run-tests installs it; without it this fails rather than skips).
 */
class ClassifierRecipeTest {
    static Path evalDir;
    static String python;

    @BeforeAll
    static void findPython() {
        evalDir = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            if (run(List.of(candidate, "-c", "import numpy")).exit() == 0) {
                python = candidate;
                break;
            }
        }
        assertNotNull(python, "python3 with numpy is not installed: run scripts/install-prerequisites --test");
    }

    static ScriptRun run(List<String> command) {
        return ScriptRun.run(command, evalDir);
    }

    @Test
    void backwardPassMatchesFiniteDifferences() {
        ScriptRun r = run(List.of(python, "test_train_classifier.py"));
        assertEquals(0, r.exit(), r.output());
    }

    @Test
    void javaComputesTheLogitsNumpyWrote(@TempDir Path tmp) throws IOException {
        Path weights = tmp.resolve("tiny.gguf");
        ScriptRun r = run(List.of(
                python,
                "train_classifier.py",
                "--out",
                weights.toString(),
                "--epochs",
                "1",
                "--limit",
                "512",
                "--test-limit",
                "64"));
        assertEquals(0, r.exit(), r.output());
        QualityMetric metric = QualityMetric.load(weights);
        float[] expected =
                metric.classifier().metadata().get("classifier.check_logits").asFloatArray();
        List<BufferedImage> images = RealImages.fashionMnist(false, expected.length / FashionClassifier.CLASSES);
        for (int i = 0; i < images.size(); i++) {
            float[] logits =
                    metric.classifier().run(ClassifierInput.of(images.get(i))).logits();
            for (int k = 0; k < FashionClassifier.CLASSES; k++) {
                float want = expected[i * FashionClassifier.CLASSES + k];
                assertEquals(want, logits[k], 1e-4 * Math.max(1, Math.abs(want)), "image " + i + " class " + k);
            }
        }
        assertEquals(
                512,
                metric.classifier().metadata().get("classifier.train_images").asLong());
    }
}
