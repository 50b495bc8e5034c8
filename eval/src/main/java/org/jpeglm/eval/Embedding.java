package org.jpeglm.eval;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What the classifier makes of a set of images: each image's features (the penultimate layer, in double), its most
 * likely class and that class's probability. Images are run in parallel, each on its own, so the result does not
 * depend on the number of threads.
 *
 * @param count the images
 * @param features count × {@link FashionClassifier#FEATURES} values, row-major
 * @param classes each image's most likely class (the first of equals)
 * @param confidence each image's probability of that class
 */
record Embedding(int count, double[] features, int[] classes, double[] confidence) {
    static final int D = FashionClassifier.FEATURES;

    /** Runs classifier on every image (mapped by {@link ClassifierInput}). */
    static Embedding of(FashionClassifier classifier, List<BufferedImage> images) {
        int n = images.size();
        double[] features = new double[n * D];
        int[] classes = new int[n];
        double[] confidence = new double[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            FashionClassifier.Output out = classifier.run(ClassifierInput.of(images.get(i)));
            for (int j = 0; j < D; j++) {
                features[i * D + j] = out.features()[j];
            }
            double[] p = FashionClassifier.probabilities(out.logits());
            int best = 0;
            for (int k = 1; k < p.length; k++) {
                if (p[k] > p[best]) {
                    best = k;
                }
            }
            classes[i] = best;
            confidence[i] = p[best];
        });
        return new Embedding(n, features, classes, confidence);
    }

    /** The first n images. */
    Embedding head(int n) {
        if (n == count) {
            return this;
        }
        return new Embedding(
                n,
                java.util.Arrays.copyOf(features, n * D),
                java.util.Arrays.copyOf(classes, n),
                java.util.Arrays.copyOf(confidence, n));
    }

    /** Image i's squared feature norm. */
    double norm2(int i) {
        return dot(features, i, features, i);
    }

    /** The dot product of row i of a and row j of b, summed in four fixed lanes (fast and order-stable). */
    static double dot(double[] a, int i, double[] b, int j) {
        int ai = i * D;
        int bj = j * D;
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        for (int k = 0; k < D; k += 4) {
            s0 += a[ai + k] * b[bj + k];
            s1 += a[ai + k + 1] * b[bj + k + 1];
            s2 += a[ai + k + 2] * b[bj + k + 2];
            s3 += a[ai + k + 3] * b[bj + k + 3];
        }
        return (s0 + s1) + (s2 + s3);
    }
}
