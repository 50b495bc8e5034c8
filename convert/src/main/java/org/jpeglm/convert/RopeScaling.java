package org.jpeglm.convert;

/**
 * A checkpoint's RoPE scaling ({@code rope_scaling} or {@code rope_parameters} in config.json), restricted to what
 * llama.cpp's {@code llama} architecture runs.
 *
 * @param type                  the kind
 * @param factor                the scaling factor (1 for {@link Type#NONE})
 * @param originalContextLength the context length before scaling ({@code original_max_position_embeddings}),
 *                              0 when not given
 * @param yarnExtFactor         YaRN extrapolation mix factor, NaN when not given
 * @param yarnAttnFactor        YaRN attention factor, NaN when not given
 * @param yarnBetaFast          YaRN beta_fast, NaN when not given
 * @param yarnBetaSlow          YaRN beta_slow, NaN when not given
 * @param lowFreqFactor         Llama 3 low_freq_factor (1 when not given)
 * @param highFreqFactor        Llama 3 high_freq_factor (4 when not given)
 */
public record RopeScaling(
        Type type,
        double factor,
        int originalContextLength,
        double yarnExtFactor,
        double yarnAttnFactor,
        double yarnBetaFast,
        double yarnBetaSlow,
        double lowFreqFactor,
        double highFreqFactor) {
    /** The kinds llama.cpp's llama architecture supports. */
    public enum Type {
        /** No scaling ({@code rope_scaling} absent or {@code "default"}). */
        NONE,
        /** Positions divided by the factor: GGUF {@code llama.rope.scaling.type = "linear"}. */
        LINEAR,
        /** YaRN: GGUF {@code llama.rope.scaling.type = "yarn"} with the original context length. */
        YARN,
        /** Llama 3.1's frequency-dependent scaling: a {@code rope_freqs.weight} tensor of per-pair factors. */
        LLAMA3
    }

    public static final RopeScaling NONE =
            new RopeScaling(Type.NONE, 1, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 1, 4);

    /**
     * Llama 3's per-pair frequency factors, as llama.cpp's converter computes them for {@code rope_freqs.weight}:
     * one value per rotated pair ({@code headDim / 2} values).
     */
    public float[] llama3Factors(double ropeTheta, int headDim) {
        float[] out = new float[headDim / 2];
        int oldContext = originalContextLength > 0 ? originalContextLength : 8192;
        double lowFreqWavelen = oldContext / lowFreqFactor;
        double highFreqWavelen = oldContext / highFreqFactor;
        for (int i = 0; i < out.length; i++) {
            double freq = 1.0 / Math.pow(ropeTheta, (2.0 * i) / headDim);
            double wavelen = 2 * Math.PI / freq;
            if (wavelen < highFreqWavelen) {
                out[i] = 1f;
            } else if (wavelen > lowFreqWavelen) {
                out[i] = (float) factor;
            } else {
                double smooth = (oldContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                out[i] = (float) (1 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }
}
