package org.jpeglm.eval;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The quality metric of the Fashion-MNIST domain: a small CNN trained on Fashion-MNIST's 60,000 training images
 * (eval/README.md: recipe, seed, accuracy) embeds images; FID, KID and precision/recall compare the embeddings with
 * a reference set of real images (by default the 10,000 test images), and the CNN's classes give the recognisable
 * share and the class histogram.
 *
 * <pre>{@code
 * QualityReport r = QualityMetric.load().evaluate(images);   // images: 32×32 (or 28×28) gray
 * System.out.print(r.toText());                             // r.fid(), r.kid(), r.precision(), ...
 * }</pre>
 *
 * <p>Images are mapped to the classifier's input by {@link ClassifierInput}, real and generated alike. Every number
 * is deterministic: the same images give the same bytes of {@link QualityReport#toJson()}, whatever the number of
 * threads. FID depends on the sample size: compare reports of equal {@link QualityReport#images()}. Thread-safe.
 */
public final class QualityMetric {
    /** The bundled classifier's resource, beside this class. */
    static final String WEIGHTS = "fashion-mnist-classifier.gguf";

    /** The name of the default reference. */
    public static final String TEST_SET = "fashion-mnist test";

    /** The name of the video reference. */
    public static final String TEST_VIDEOS = "moving fashion-mnist test videos' frames";

    /** The test videos of the bundled video model's data recipe (train/make-bundled-video-model --test-videos). */
    public static final int TEST_VIDEO_COUNT = 300;

    private static volatile QualityMetric bundled;

    private final FashionClassifier classifier;
    private final String digest;
    private volatile Reference testSet;
    private volatile Reference testVideos;

    private QualityMetric(FashionClassifier classifier, String digest) {
        this.classifier = classifier;
        this.digest = digest;
    }

    /** The metric with the bundled classifier; one shared instance, so the test set is embedded once a JVM. */
    public static QualityMetric load() throws IOException {
        QualityMetric m = bundled;
        if (m == null) {
            synchronized (QualityMetric.class) {
                m = bundled;
                if (m == null) {
                    byte[] weights;
                    try (InputStream in = QualityMetric.class.getResourceAsStream(WEIGHTS)) {
                        if (in == null) {
                            throw new IOException("the classifier " + WEIGHTS + " is missing from the class path");
                        }
                        weights = in.readAllBytes();
                    }
                    m = new QualityMetric(FashionClassifier.read(weights, WEIGHTS), digest(weights));
                    bundled = m;
                }
            }
        }
        return m;
    }

    /** The metric with the classifier in weights (a file train_classifier.py wrote). */
    public static QualityMetric load(Path weights) throws IOException {
        byte[] bytes = Files.readAllBytes(weights);
        return new QualityMetric(FashionClassifier.read(bytes, weights.toString()), digest(bytes));
    }

    /** The classifier (its metadata holds the recipe and test accuracy). */
    public FashionClassifier classifier() {
        return classifier;
    }

    /** The first 16 hex digits of the SHA-256 of the classifier's weights file. */
    public String classifierDigest() {
        return digest;
    }

    /**
     * The 10,000 Fashion-MNIST test images (Debian's dataset-fashion-mnist), each padded to 32×32 as the bundled
     * model's data is and mapped back like any image; read and embedded on first use (seconds).
     */
    public Reference testSet() throws IOException {
        Reference r = testSet;
        if (r == null) {
            synchronized (this) {
                r = testSet;
                if (r == null) {
                    r = reference(TEST_SET, RealImages.fashionMnist(false, -1));
                    testSet = r;
                }
            }
        }
        return r;
    }

    /**
     * The frames of the 300 test videos of moving Fashion-MNIST (4,500 frames of 64×64, made as the bundled video
     * model's test data is, before H.264), the reference of video frames; made and embedded on first use.
     */
    public Reference testVideoFrames() throws IOException {
        Reference r = testVideos;
        if (r == null) {
            synchronized (this) {
                r = testVideos;
                if (r == null) {
                    r = reference(
                            TEST_VIDEOS,
                            RealImages.frames(RealImages.movingFashionMnist(false, 0, TEST_VIDEO_COUNT), 0));
                    testVideos = r;
                }
            }
        }
        return r;
    }

    /** A reference set of real images, named as reports will name it. */
    public Reference reference(String name, List<BufferedImage> images) {
        return new Reference(name, Embedding.of(classifier, images), digest);
    }

    /** images against the Fashion-MNIST test set. */
    public QualityReport evaluate(List<BufferedImage> images) throws IOException {
        return evaluate(images, testSet());
    }

    /** images (at least 4) against reference. */
    public QualityReport evaluate(List<BufferedImage> images, Reference reference) {
        if (!reference.classifier().equals(digest)) {
            throw new IllegalArgumentException("the reference was embedded by another classifier");
        }
        if (images.size() <= PrecisionRecall.K) {
            throw new IllegalArgumentException(
                    "the quality metric needs at least " + (PrecisionRecall.K + 1) + " images, got " + images.size());
        }
        Embedding g = Embedding.of(classifier, images);
        int m = g.count();
        int n = reference.count();
        double fid = Frechet.distance(Frechet.Gaussian.of(g), reference.gaussian());
        double kid = KernelDistance.estimate(
                KernelDistance.selfSum(g),
                m,
                reference.kernelSelfSum(),
                n,
                KernelDistance.crossSum(g, reference.embedding()));
        int each = Math.min(m, n);
        Embedding gh = g.head(each);
        Embedding rh = reference.head(each);
        double precision = PrecisionRecall.coverage(gh, rh, reference.radii(each));
        double recall = PrecisionRecall.coverage(rh, gh, PrecisionRecall.radii(gh));
        int[] counts = new int[FashionClassifier.CLASSES];
        int confident = 0;
        for (int i = 0; i < m; i++) {
            counts[g.classes()[i]]++;
            confident += g.confidence()[i] >= QualityReport.CONFIDENT ? 1 : 0;
        }
        int modes = 0;
        for (int c : counts) {
            modes += c >= QualityReport.MODE_SHARE * m ? 1 : 0;
        }
        return new QualityReport(
                m,
                reference.name(),
                n,
                fid,
                kid,
                precision,
                recall,
                each,
                (double) confident / m,
                java.util.Arrays.stream(counts).boxed().toList(),
                modes,
                digest);
    }

    /**
     * The share of images whose most likely class is that of the original at the same index (a completion that
     * keeps its original's class); the lists must be as long as each other.
     */
    public double classAgreement(List<BufferedImage> images, List<BufferedImage> originals) {
        if (images.size() != originals.size() || images.isEmpty()) {
            throw new IllegalArgumentException("class agreement pairs each image with one original: got "
                    + images.size() + " images and " + originals.size() + " originals");
        }
        int[] a = Embedding.of(classifier, images).classes();
        int[] b = Embedding.of(classifier, originals).classes();
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return (double) same / a.length;
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
