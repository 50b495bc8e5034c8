package org.jpeglm.eval;

import java.util.stream.IntStream;

/**
 * Improved precision and recall (Kynkäänniemi et al. 2019) on the classifier's features: each set's manifold is the
 * union of balls around its images reaching each one's k-th nearest neighbour in the same set (k = 3, the
 * paper's choice); precision is the share of generated images inside the real manifold, recall the share of real
 * images inside the generated one. Like the paper, it compares sets of equal size.
 */
final class PrecisionRecall {
    /** The neighbour that sets a ball's radius. */
    static final int K = 3;

    private PrecisionRecall() {}

    /** Each image's squared distance to its k-th nearest neighbour in its own set. */
    static double[] radii(Embedding x) {
        int n = x.count();
        if (n <= K) {
            throw new IllegalArgumentException("precision and recall need more than " + K + " images, got " + n);
        }
        double[] norms = norms(x);
        double[] out = new double[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] nearest = new double[K]; // ascending
            java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double d = distance2(x, i, norms[i], x, j, norms[j]);
                    if (d < nearest[K - 1]) {
                        int at = K - 1;
                        while (at > 0 && nearest[at - 1] > d) {
                            nearest[at] = nearest[at - 1];
                            at--;
                        }
                        nearest[at] = d;
                    }
                }
            }
            out[i] = nearest[K - 1];
        });
        return out;
    }

    /** The share of the images of x inside the manifold of y (y's radii given). */
    static double coverage(Embedding x, Embedding y, double[] yRadii) {
        double[] xn = norms(x);
        double[] yn = norms(y);
        boolean[] inside = new boolean[x.count()];
        IntStream.range(0, x.count()).parallel().forEach(i -> {
            for (int j = 0; j < y.count() && !inside[i]; j++) {
                inside[i] = distance2(x, i, xn[i], y, j, yn[j]) <= yRadii[j];
            }
        });
        int count = 0;
        for (boolean b : inside) {
            count += b ? 1 : 0;
        }
        return (double) count / x.count();
    }

    private static double[] norms(Embedding x) {
        double[] out = new double[x.count()];
        for (int i = 0; i < out.length; i++) {
            out[i] = x.norm2(i);
        }
        return out;
    }

    private static double distance2(Embedding x, int i, double xi, Embedding y, int j, double yj) {
        return Math.max(xi + yj - 2 * Embedding.dot(x.features(), i, y.features(), j), 0);
    }
}
