package org.jpeglm.eval;

/**
 * The Fréchet distance between two Gaussians fitted to feature sets (FID, Heusel et al. 2017):
 * |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁^½ Σ₂ Σ₁^½)^½, with both square roots taken through a symmetric
 * eigendecomposition (cyclic Jacobi, sequential: the same bits on every run).
 */
final class Frechet {
    private Frechet() {}

    /** A set's mean and covariance (divided by n − 1). */
    record Gaussian(double[] mean, double[][] cov) {
        static Gaussian of(Embedding e) {
            int n = e.count();
            int d = Embedding.D;
            if (n < 2) {
                throw new IllegalArgumentException("FID needs at least 2 images, got " + n);
            }
            double[] f = e.features();
            double[] mean = new double[d];
            for (int i = 0; i < n; i++) {
                for (int a = 0; a < d; a++) {
                    mean[a] += f[i * d + a];
                }
            }
            for (int a = 0; a < d; a++) {
                mean[a] /= n;
            }
            double[][] cov = new double[d][d];
            java.util.stream.IntStream.range(0, d).parallel().forEach(a -> {
                double[] row = cov[a];
                for (int i = 0; i < n; i++) {
                    double da = f[i * d + a] - mean[a];
                    if (da != 0) {
                        for (int b = a; b < d; b++) {
                            row[b] += da * (f[i * d + b] - mean[b]);
                        }
                    }
                }
                for (int b = a; b < d; b++) {
                    row[b] /= n - 1;
                }
            });
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < a; b++) {
                    cov[a][b] = cov[b][a];
                }
            }
            return new Gaussian(mean, cov);
        }
    }

    /** The distance between g and r. */
    static double distance(Gaussian g, Gaussian r) {
        int d = g.mean().length;
        double mean = 0;
        double traces = 0;
        for (int a = 0; a < d; a++) {
            double diff = g.mean()[a] - r.mean()[a];
            mean += diff * diff;
            traces += g.cov()[a][a] + r.cov()[a][a];
        }
        double[][] root = sqrtPsd(g.cov());
        double[][] m = multiply(multiply(root, r.cov()), root);
        double trace = 0;
        for (double lambda : eigenvalues(symmetrize(m), null)) {
            trace += Math.sqrt(Math.max(lambda, 0));
        }
        return Math.max(mean + traces - 2 * trace, 0);
    }

    /** The square root of a symmetric positive semi-definite matrix (negative rounding noise taken as 0). */
    static double[][] sqrtPsd(double[][] s) {
        int d = s.length;
        double[][] v = new double[d][d];
        double[] lambda = eigenvalues(s, v);
        double[][] out = new double[d][d];
        for (int k = 0; k < d; k++) {
            double r = Math.sqrt(Math.max(lambda[k], 0));
            if (r == 0) {
                continue;
            }
            for (int a = 0; a < d; a++) {
                double va = v[a][k] * r;
                for (int b = 0; b < d; b++) {
                    out[a][b] += va * v[b][k];
                }
            }
        }
        return symmetrize(out);
    }

    /**
     * The eigenvalues of the symmetric matrix s by cyclic Jacobi rotations; with vectors non-null, its columns
     * receive the eigenvectors. s is not changed.
     */
    static double[] eigenvalues(double[][] s, double[][] vectors) {
        int n = s.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = s[i].clone();
        }
        if (vectors != null) {
            for (int i = 0; i < n; i++) {
                java.util.Arrays.fill(vectors[i], 0);
                vectors[i][i] = 1;
            }
        }
        double scale = 0;
        for (double[] row : a) {
            for (double x : row) {
                scale += x * x;
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    off += a[p][q] * a[p][q];
                }
            }
            if (off <= 1e-30 * scale || off == 0) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    rotate(a, vectors, p, q);
                }
            }
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = a[i][i];
        }
        return out;
    }

    /** One Jacobi rotation that zeroes a[p][q] (Golub and Van Loan, Algorithm 8.5.1). */
    private static void rotate(double[][] a, double[][] v, int p, int q) {
        double apq = a[p][q];
        if (apq == 0) {
            return;
        }
        double theta = (a[q][q] - a[p][p]) / (2 * apq);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int n = a.length;
        for (int k = 0; k < n; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
        }
        if (v != null) {
            for (int k = 0; k < n; k++) {
                double vkp = v[k][p];
                double vkq = v[k][q];
                v[k][p] = c * vkp - s * vkq;
                v[k][q] = s * vkp + c * vkq;
            }
        }
    }

    private static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        double[][] out = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                double xik = x[i][k];
                for (int j = 0; j < n; j++) {
                    out[i][j] += xik * y[k][j];
                }
            }
        }
        return out;
    }

    private static double[][] symmetrize(double[][] m) {
        int n = m.length;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double x = (m[i][j] + m[j][i]) / 2;
                m[i][j] = x;
                m[j][i] = x;
            }
        }
        return m;
    }
}
