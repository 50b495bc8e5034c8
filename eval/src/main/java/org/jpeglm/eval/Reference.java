package org.jpeglm.eval;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set of real images that generated ones are measured against, embedded once: its features, Gaussian (FID), the
 * kernel sum over its pairs (KID) and, per sample size, the k-NN radii of its first images (precision and recall).
 * Made by {@link QualityMetric#reference}; thread-safe.
 */
public final class Reference {
    private final String name;
    private final Embedding embedding;
    private final Frechet.Gaussian gaussian;
    private final String classifier;
    private volatile Double kernelSelfSum;
    private final Map<Integer, double[]> radii = new ConcurrentHashMap<>();

    Reference(String name, Embedding embedding, String classifier) {
        if (embedding.count() < 2) {
            throw new IllegalArgumentException("a reference set needs at least 2 images, got " + embedding.count());
        }
        this.name = name;
        this.embedding = embedding;
        this.gaussian = Frechet.Gaussian.of(embedding);
        this.classifier = classifier;
    }

    /** What the set is, as reports name it. */
    public String name() {
        return name;
    }

    /** Its images. */
    public int count() {
        return embedding.count();
    }

    Embedding embedding() {
        return embedding;
    }

    Frechet.Gaussian gaussian() {
        return gaussian;
    }

    /** The classifier that embedded it (its weights' digest), so that sets embedded by others are refused. */
    String classifier() {
        return classifier;
    }

    /** Σ over i ≠ j of the KID kernel, computed on first use (10,000 images: about 5·10⁷ pairs). */
    double kernelSelfSum() {
        Double s = kernelSelfSum;
        if (s == null) {
            synchronized (this) {
                s = kernelSelfSum;
                if (s == null) {
                    s = KernelDistance.selfSum(embedding);
                    kernelSelfSum = s;
                }
            }
        }
        return s;
    }

    /** The first n images (n at most {@link #count()}). */
    Embedding head(int n) {
        return embedding.head(n);
    }

    /** The k-NN radii of the first n images, computed once per n. */
    double[] radii(int n) {
        return radii.computeIfAbsent(n, k -> PrecisionRecall.radii(embedding.head(k)));
    }
}
