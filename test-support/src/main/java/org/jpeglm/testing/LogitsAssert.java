package org.jpeglm.testing;

import static org.junit.jupiter.api.Assertions.fail;

/** Assertions for comparing logit vectors, with errors measured relative to the vector's largest magnitude. */
public final class LogitsAssert {

    private LogitsAssert() {}

    /**
     * Fails unless {@code |expected[i] - actual[i]| <= relativeTolerance * max_j |expected[j]|} for every i.
     * Scaling by the row's largest magnitude keeps near-zero logits from demanding impossible precision.
     */
    public static void assertLogitsClose(float[] expected, float[] actual, double relativeTolerance) {
        assertLogitsClose(expected, actual, relativeTolerance, "");
    }

    public static void assertLogitsClose(float[] expected, float[] actual, double relativeTolerance, String what) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + ", expected " + expected.length);
        }
        double scale = Math.max(maxAbs(expected), Float.MIN_NORMAL);
        for (int i = 0; i < expected.length; i++) {
            double error = Math.abs((double) expected[i] - actual[i]);
            if (!(error <= relativeTolerance * scale)) {
                fail("%s: index %d is %s, expected %s (error %.3g, allowed %.3g)"
                        .formatted(what, i, actual[i], expected[i], error, relativeTolerance * scale));
            }
        }
    }

    /**
     * The natural log-probability of token under logits, summed here in double: the tests' own reckoning, to hold a
     * score computed by the library against.
     */
    public static double logSoftmax(float[] logits, int token) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return logits[token] - max - Math.log(sum);
    }

    /** {@link #assertLogitsClose(float[], float[], double)} for every position. */
    public static void assertLogitsClose(float[][] expected, float[][] actual, double relativeTolerance) {
        if (expected.length != actual.length) {
            fail("positions " + actual.length + ", expected " + expected.length);
        }
        for (int t = 0; t < expected.length; t++) {
            assertLogitsClose(expected[t], actual[t], relativeTolerance, "position " + t);
        }
    }

    /** Largest |a[i] - b[i]|. */
    public static double maxAbsDifference(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs((double) a[i] - b[i]));
        }
        return max;
    }

    /** The largest |expected[i] - actual[i]| relative to expected's largest magnitude: what the tolerance bounds. */
    public static double relativeError(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException("length " + actual.length + ", expected " + expected.length);
        }
        return maxAbsDifference(expected, actual) / Math.max(maxAbs(expected), Float.MIN_NORMAL);
    }

    static double maxAbs(float[] values) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }
}
