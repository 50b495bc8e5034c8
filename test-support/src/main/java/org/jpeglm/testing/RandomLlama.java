package org.jpeglm.testing;

import java.util.ArrayList;
import java.util.Random;

/**
 * Seeded random Llama weights for tests.
 *
 * <p>Scales are chosen so every stage stays in a healthy range whatever the size: projections are normal with
 * standard deviation {@code 1/sqrt(in)} (outputs keep roughly the variance of their input), the token embedding
 * is normal with standard deviation 0.5 (distinct tokens give clearly distinct residual streams, tied logits are
 * not saturated), and norm weights are {@code 1 + 0.1 * normal}, so a transposed or missing norm changes the result.
 * Logits therefore spread over a few units and differ noticeably between tokens and positions.
 */
public final class RandomLlama {

    private RandomLlama() {}

    /** Same seed and config give the same weights (java.util.Random's sequence is specified). */
    public static LlamaWeights create(LlamaConfig config, long seed) {
        var random = new Random(seed);
        int dim = config.dim();
        int qDim = config.heads() * config.headDim();
        int kvDim = config.kvDim();
        int ffn = config.ffnDim();

        float[] embedding = normal(random, config.vocabSize() * dim, 0.5);
        var layers = new ArrayList<LlamaWeights.Layer>();
        for (int i = 0; i < config.layers(); i++) {
            layers.add(new LlamaWeights.Layer(
                    norm(random, dim),
                    matrix(random, qDim, dim),
                    matrix(random, kvDim, dim),
                    matrix(random, kvDim, dim),
                    matrix(random, dim, qDim),
                    norm(random, dim),
                    matrix(random, ffn, dim),
                    matrix(random, ffn, dim),
                    matrix(random, dim, ffn)));
        }
        float[] finalNorm = norm(random, dim);
        float[] output = config.tiedEmbeddings() ? null : matrix(random, config.vocabSize(), dim);
        return new LlamaWeights(config, embedding, layers, finalNorm, output);
    }

    private static float[] matrix(Random random, int out, int in) {
        return normal(random, out * in, 1.0 / Math.sqrt(in));
    }

    private static float[] norm(Random random, int n) {
        var w = normal(random, n, 0.1);
        for (int i = 0; i < n; i++) {
            w[i] += 1f;
        }
        return w;
    }

    private static float[] normal(Random random, int n, double std) {
        var values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return values;
    }
}
