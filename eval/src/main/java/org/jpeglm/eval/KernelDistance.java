package org.jpeglm.eval;

import java.util.stream.IntStream;

/**
 * The kernel inception distance (KID, Bińkowski et al. 2018) on the classifier's features: the unbiased estimate of
 * the squared maximum mean discrepancy under the cubic polynomial kernel k(x, y) = (x·y / d + 1)³, over all pairs
 * (no subsets): unbiased at any sample size, unlike FID. Sums run row by row in parallel, each row in a fixed order,
 * and the rows' sums are added in index order: the same bits whatever the threads.
 */
final class KernelDistance {
    private KernelDistance() {}

    /** Σ over i ≠ j of k(x_i, x_j), for one set. */
    static double selfSum(Embedding x) {
        int n = x.count();
        double[] rows = new double[n];
        IntStream.range(0, n).parallel().forEach(i -> {
            double s = 0;
            for (int j = i + 1; j < n; j++) {
                s += kernel(x, i, x, j);
            }
            rows[i] = s;
        });
        return 2 * sum(rows);
    }

    /** Σ over all i, j of k(x_i, y_j). */
    static double crossSum(Embedding x, Embedding y) {
        double[] rows = new double[x.count()];
        IntStream.range(0, x.count()).parallel().forEach(i -> {
            double s = 0;
            for (int j = 0; j < y.count(); j++) {
                s += kernel(x, i, y, j);
            }
            rows[i] = s;
        });
        return sum(rows);
    }

    /** KID from the three sums of sets of m and n images. */
    static double estimate(double selfX, int m, double selfY, int n, double cross) {
        if (m < 2 || n < 2) {
            throw new IllegalArgumentException("KID needs at least 2 images in each set");
        }
        return selfX / ((double) m * (m - 1)) + selfY / ((double) n * (n - 1)) - 2 * cross / ((double) m * n);
    }

    private static double kernel(Embedding x, int i, Embedding y, int j) {
        double k = Embedding.dot(x.features(), i, y.features(), j) / Embedding.D + 1;
        return k * k * k;
    }

    private static double sum(double[] rows) {
        double s = 0;
        for (double r : rows) {
            s += r;
        }
        return s;
    }
}
