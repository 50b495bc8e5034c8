package org.jpeglm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Java network computes what NumPy computed when it was trained. */
class FashionClassifierTest {
    @Test
    void logitsAreNumpys() throws IOException {
        FashionClassifier c = QualityMetric.load().classifier();
        float[] expected = c.metadata().get("classifier.check_logits").asFloatArray();
        List<BufferedImage> images = RealImages.fashionMnist(false, expected.length / FashionClassifier.CLASSES);
        for (int i = 0; i < images.size(); i++) {
            float[] logits = c.run(ClassifierInput.of(images.get(i))).logits();
            for (int k = 0; k < FashionClassifier.CLASSES; k++) {
                float want = expected[i * FashionClassifier.CLASSES + k];
                assertEquals(want, logits[k], 1e-4 * Math.max(1, Math.abs(want)), "image " + i + " class " + k);
            }
        }
    }

    /** The test accuracy the card states, recomputed in Java (a few borderline images may round the other way). */
    @Test
    void testAccuracyIsTheCards() throws IOException {
        QualityMetric metric = QualityMetric.load();
        int[] predicted = metric.testSet().embedding().classes();
        int[] labels = RealImages.labels(false, 0, -1);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += predicted[i] == labels[i] ? 1 : 0;
        }
        long numpy =
                metric.classifier().metadata().get("classifier.test_correct").asLong();
        assertTrue(Math.abs(correct - numpy) <= 3, "Java " + correct + " correct, NumPy " + numpy);
        assertTrue(correct >= 9000, "test accuracy " + correct / 1e4 + " below 90 %");
    }

    @Test
    void refusesAnInputOfAnotherSize() throws IOException {
        FashionClassifier c = QualityMetric.load().classifier();
        var e = assertThrows(IllegalArgumentException.class, () -> c.run(new float[30 * 30]));
        assertTrue(e.getMessage().contains("784"), e.getMessage());
    }
}
