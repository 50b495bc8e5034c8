package org.jpeglm.testing;

/**
 * Which pairs of a head's values rotary position embedding rotates together.
 *
 * <p>Pair {@code i} (0 &le; i &lt; headDim/2) is rotated by the angle {@code pos * theta^(-2i/headDim)},
 * as ggml computes it ({@code theta_scale = freq_base^(-2/n_dims)}, multiplied once per pair):
 * {@code (a, b) -> (a cos - b sin, a sin + b cos)}.
 *
 * <p>The two styles are the same model up to a permutation of the rows of wq and wk inside each head; see
 * {@link LlamaWeights#permuteRopeRows}.
 */
public enum RopeStyle {
    /**
     * Adjacent pairs {@code (x[2i], x[2i+1])}: what llama.cpp applies for architecture "llama" (rope type NORM)
     * to the Q/K rows as stored in a GGUF file.
     */
    INTERLEAVED,
    /**
     * Split halves {@code (x[i], x[i + headDim/2])}: Hugging Face transformers' {@code rotate_half}, which the
     * HF checkpoints' unpermuted Q/K rows assume (also ggml's NEOX rope type).
     */
    HALF;

    /** Rotates one head, {@code x[offset .. offset+headDim)}, in place for position {@code pos}. */
    public void apply(float[] x, int offset, int headDim, int pos, double theta) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            // Angle in double: the oracle should not inherit float rounding of the frequency table.
            double angle = pos * Math.pow(theta, -2.0 * i / headDim);
            double cos = Math.cos(angle);
            double sin = Math.sin(angle);
            int first = offset + (this == INTERLEAVED ? 2 * i : i);
            int second = this == INTERLEAVED ? first + 1 : first + half;
            double a = x[first];
            double b = x[second];
            x[first] = (float) (a * cos - b * sin);
            x[second] = (float) (a * sin + b * cos);
        }
    }
}
