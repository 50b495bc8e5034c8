package org.jpeglm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** FID's linear algebra against what can be computed by hand. */
class FrechetTest {
    @Test
    void eigenvaluesOfAKnownMatrix() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3.
        double[] l = Frechet.eigenvalues(new double[][] {{2, 1}, {1, 2}}, null);
        Arrays.sort(l);
        assertEquals(1, l[0], 1e-12);
        assertEquals(3, l[1], 1e-12);
    }

    @Test
    void squareRootSquaresBack() {
        double[][] s = randomCovariance(40, new Random(1));
        double[][] r = Frechet.sqrtPsd(s);
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                double x = 0;
                for (int k = 0; k < s.length; k++) {
                    x += r[i][k] * r[k][j];
                }
                assertEquals(s[i][j], x, 1e-9);
            }
        }
    }

    /** For diagonal covariances FID is Σ (μ₁ − μ₂)² + (σ₁ − σ₂)². */
    @Test
    void diagonalGaussians() {
        int d = 5;
        double[] m1 = {0, 1, 2, 3, 4};
        double[] m2 = {1, 1, 0, 3, 4};
        double[][] c1 = new double[d][d];
        double[][] c2 = new double[d][d];
        double expected = 0;
        for (int i = 0; i < d; i++) {
            c1[i][i] = (i + 1) * (i + 1);
            c2[i][i] = (2 * i + 1) * (2 * i + 1);
            expected += (m1[i] - m2[i]) * (m1[i] - m2[i]) + i * i;
        }
        double fid = Frechet.distance(new Frechet.Gaussian(m1, c1), new Frechet.Gaussian(m2, c2));
        assertEquals(expected, fid, 1e-9);
        assertEquals(0, Frechet.distance(new Frechet.Gaussian(m1, c1), new Frechet.Gaussian(m1, c1)), 1e-9);
    }

    private static double[][] randomCovariance(int d, Random r) {
        double[][] a = new double[d][d];
        for (double[] row : a) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                for (int k = 0; k < d; k++) {
                    s[i][j] += a[i][k] * a[j][k];
                }
            }
        }
        return s;
    }
}
