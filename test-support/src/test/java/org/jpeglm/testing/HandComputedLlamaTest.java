package org.jpeglm.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cases small enough to work out on paper, with eps = 0 so every norm is exact. */
class HandComputedLlamaTest {

    /** vocab 2, dim 2, one layer, one head of width 2, ffn width 1, untied, eps 0. */
    private static final LlamaConfig TINY = new LlamaConfig(2, 2, 1, 1, 1, 1, 4, 10000f, 0f, false);

    private static final float[] IDENTITY = {1, 0, 0, 1};

    @Test
    void singleTokenWorkedByHand() {
        var layer = new LlamaWeights.Layer(
                new float[] {2, 1}, // attnNorm
                new float[] {3, -7, 0.25f, 9}, // wq: irrelevant, one position means softmax weight 1
                new float[] {-2, 5, 4, 1}, // wk: irrelevant for the same reason
                new float[] {1, 1, 0, 1}, // wv
                new float[] {1, 0, 0, 2}, // wo
                new float[] {1, 1}, // ffnNorm
                new float[] {1, 0}, // wGate [1][2]
                new float[] {0, -1}, // wUp   [1][2]
                new float[] {1, 1}); // wDown [2][1]
        var weights =
                new LlamaWeights(TINY, new float[] {1, -1, 0.5f, 2}, List.of(layer), new float[] {1, 1}, IDENTITY);

        // x = [1, -1], rms 1          -> h = x * attnNorm = [2, -1]
        // v = Wv h = [2 - 1, -1]      =  [1, -1]; attention over one token returns v
        // Wo v = [1, -2]              -> x = [2, -3], rms sqrt(6.5)
        // h = [2, -3] / sqrt(6.5);  gate = 2/sqrt(6.5) = 0.78446454,  up = 3/sqrt(6.5) = 1.17669681
        // silu(gate) * up = 0.78446454 / (1 + e^-0.78446454) * 1.17669681 = 0.63382295 = s
        // x = [2 + s, -3 + s] = [2.63382295, -2.36617705], rms 1.75361...
        // logits = identity * (x / rms) = [1.05202304, -0.94511773]
        float[] expected = {1.05202304f, -0.94511773f};
        for (var style : RopeStyle.values()) {
            var logits = new LlamaReference(weights, style).logits(new int[] {0});
            assertArrayEquals(expected, logits[0], 1e-6f, style.name());
        }
    }

    @Test
    void twoTokensExerciseRopeAndSoftmax() {
        var zeroFfn = new float[2];
        var layer = new LlamaWeights.Layer(
                new float[] {1, 1},
                IDENTITY,
                IDENTITY,
                IDENTITY,
                IDENTITY,
                new float[] {1, 1},
                zeroFfn,
                zeroFfn,
                zeroFfn); // silu(0) * 0 = 0: no feed-forward
        var weights = new LlamaWeights(TINY, new float[] {1, 1, 1, -1}, List.of(layer), new float[] {1, 1}, IDENTITY);
        var logits = new LlamaReference(weights, RopeStyle.INTERLEAVED).logits(new int[] {0, 1});

        // Position 0: x = h = q = k = v = [1, 1]; attends only itself -> x = [2, 2], normalised [1, 1].
        assertArrayEquals(new float[] {1, 1}, logits[0], 1e-6f);

        // Position 1: h = [1, -1]. Head width 2 is one RoPE pair with frequency theta^0 = 1, so the angle is 1:
        //   q1 = k1 = R(1) [1, -1] = [cos1 + sin1, sin1 - cos1];  k0 stays [1, 1] (angle 0).
        //   score0 = q1.k0 / sqrt2 = 2 sin1 / sqrt2,   score1 = |q1|^2 / sqrt2 = 2 / sqrt2
        double score0 = 2 * Math.sin(1) / Math.sqrt(2);
        double score1 = 2 / Math.sqrt(2);
        double w0 = Math.exp(score0) / (Math.exp(score0) + Math.exp(score1));
        double w1 = 1 - w0;
        //   attention = w0 [1, 1] + w1 [1, -1] = [1, w0 - w1];  x = [1, -1] + attention
        double x0 = 2;
        double x1 = -1 + w0 - w1;
        double rms = Math.sqrt((x0 * x0 + x1 * x1) / 2);
        assertArrayEquals(new float[] {(float) (x0 / rms), (float) (x1 / rms)}, logits[1], 1e-6f);
    }

    @Test
    void rmsNormEpsilonSitsInsideTheSquareRoot() {
        // Zero V and FFN weights leave x = embedding = [1, -1], so the logits are just the final norm:
        // x / sqrt(mean(x^2) + eps) with eps = 3  ->  [1, -1] / sqrt(1 + 3) = [0.5, -0.5], then * finalNorm [2, 1].
        var config = new LlamaConfig(2, 2, 1, 1, 1, 1, 4, 10000f, 3f, false);
        var zero = new float[4];
        var zeroFfn = new float[2];
        var layer = new LlamaWeights.Layer(
                new float[] {1, 1}, IDENTITY, IDENTITY, zero, IDENTITY, new float[] {1, 1}, zeroFfn, zeroFfn, zeroFfn);
        var weights = new LlamaWeights(config, new float[] {1, -1, 0, 0}, List.of(layer), new float[] {2, 1}, IDENTITY);
        var logits = new LlamaReference(weights, RopeStyle.INTERLEAVED).logits(new int[] {0});
        assertArrayEquals(new float[] {1, -0.5f}, logits[0], 1e-7f);
    }

    @Test
    void ropeRotatesPairsWithGgmlFrequencies() {
        // Head width 4: pair 0 turns by pos * theta^0, pair 1 by pos * theta^(-2/4) = 3 * 0.01 at theta 10000.
        double a0 = 3;
        double a1 = 0.03;
        var interleaved = new float[] {9, 1, 2, 3, 4};
        RopeStyle.INTERLEAVED.apply(interleaved, 1, 4, 3, 10000);
        assertArrayEquals(
                new float[] {
                    9,
                    (float) (Math.cos(a0) - 2 * Math.sin(a0)),
                    (float) (Math.sin(a0) + 2 * Math.cos(a0)),
                    (float) (3 * Math.cos(a1) - 4 * Math.sin(a1)),
                    (float) (3 * Math.sin(a1) + 4 * Math.cos(a1))
                },
                interleaved,
                1e-6f);

        var half = new float[] {1, 2, 3, 4};
        RopeStyle.HALF.apply(half, 0, 4, 3, 10000);
        assertArrayEquals(
                new float[] {
                    (float) (Math.cos(a0) - 3 * Math.sin(a0)), (float) (2 * Math.cos(a1) - 4 * Math.sin(a1)),
                    (float) (Math.sin(a0) + 3 * Math.cos(a0)), (float) (2 * Math.sin(a1) + 4 * Math.cos(a1))
                },
                half,
                1e-6f);

        var atZero = new float[] {1, 2, 3, 4};
        RopeStyle.INTERLEAVED.apply(atZero, 0, 4, 0, 10000);
        assertArrayEquals(new float[] {1, 2, 3, 4}, atZero);
        assertEquals(2, RopeStyle.values().length);
    }
}
