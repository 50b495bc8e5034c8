package org.jpeglm.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;
import org.jpeglm.train.FashionMnist;

/**
 * How a set of images compares with a reference set of real ones, by the metric's classifier. FID is biased
 * upwards at small sizes: compare reports of the same {@link #images} against the same reference only.
 *
 * @param images the images evaluated (N)
 * @param reference the reference set's name
 * @param referenceImages its images
 * @param fid the Fréchet distance of the features' Gaussians (0: the same mean and covariance)
 * @param kid the kernel distance (unbiased squared MMD, cubic kernel, in the features' units: only its ratios to
 *     other KIDs of this classifier mean anything)
 * @param precision the share of the images inside the reference's k-NN manifold (k = 3): fidelity
 * @param recall the share of the reference inside the images' manifold: diversity
 * @param manifoldImages images of each set behind precision and recall: the first min(N, reference) of each
 * @param recognisable the share of images whose most likely class has probability ≥ {@value #CONFIDENT}
 * @param classCounts how many images the classifier puts in each class (its most likely one), by label
 * @param modes the classes holding at least {@value #MODE_SHARE} of the images (10 for the test set, 1 for a
 *     single class)
 * @param classifier the digest of the classifier's weights: reports of different classifiers do not compare
 */
public record QualityReport(
        int images,
        String reference,
        int referenceImages,
        double fid,
        double kid,
        double precision,
        double recall,
        int manifoldImages,
        double recognisable,
        List<Integer> classCounts,
        int modes,
        String classifier) {
    /** The probability above which an image counts as recognisable. */
    public static final double CONFIDENT = 0.8;

    /** The share of the images a class needs to count as a mode. */
    public static final double MODE_SHARE = 0.05;

    public QualityReport {
        classCounts = List.copyOf(classCounts);
        if (classCounts.size() != FashionClassifier.CLASSES) {
            throw new IllegalArgumentException("classCounts needs " + FashionClassifier.CLASSES + " entries");
        }
    }

    /** The report as JSON: the same report gives the same bytes. */
    public String toJson() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode o = json.createObjectNode()
                .put("images", images)
                .put("reference", reference)
                .put("reference_images", referenceImages)
                .put("fid", fid)
                .put("kid", kid)
                .put("precision", precision)
                .put("recall", recall)
                .put("manifold_images", manifoldImages)
                .put("manifold_k", PrecisionRecall.K)
                .put("recognisable", recognisable)
                .put("modes", modes);
        ObjectNode counts = o.putObject("class_counts");
        for (int k = 0; k < classCounts.size(); k++) {
            counts.put(FashionMnist.LABELS.get(k), classCounts.get(k));
        }
        o.put("classifier", classifier);
        try {
            return json.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The report in a few lines for a terminal. */
    public String toText() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "%d images against %s (%d images)%n"
                        + "FID %.2f   KID %.4g   precision %.3f   recall %.3f (k=%d, %d images each)%n"
                        + "recognisable (p ≥ %.1f) %.1f %%   modes %d of %d%n",
                images,
                reference,
                referenceImages,
                fid,
                kid,
                precision,
                recall,
                PrecisionRecall.K,
                manifoldImages,
                CONFIDENT,
                100 * recognisable,
                modes,
                FashionClassifier.CLASSES));
        s.append("classes:");
        for (int k = 0; k < classCounts.size(); k++) {
            s.append(String.format(Locale.ROOT, " %s %d", FashionMnist.LABELS.get(k), classCounts.get(k)));
            s.append(k + 1 < classCounts.size() ? "," : String.format("%n"));
        }
        return s.toString();
    }
}
