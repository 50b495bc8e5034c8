package org.jpeglm.testing;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Float32 weights of a Llama model in Hugging Face layout.
 *
 * <p>Every linear weight is one row-major {@code float[]} of shape [out][in], so {@code y = W x} reads
 * {@code y[o] = sum_i W[o*in + i] * x[i]}. That is also exactly the byte order of the GGUF tensor, whose shape
 * lists the innermost dimension first: {@code {in, out}}.
 *
 * <p>Q/K rows are in the order that {@link RopeStyle#HALF} expects (as in HF checkpoints);
 * {@link #permutedForGguf()} gives the order that {@link RopeStyle#INTERLEAVED} (llama.cpp) expects.
 *
 * @param tokenEmbedding [vocab][dim]
 * @param finalNorm      [dim]
 * @param output         [vocab][dim], or {@code null} exactly when {@code config.tiedEmbeddings()}: the token
 *                       embedding then doubles as the output projection (see {@link #outputProjection()})
 */
public record LlamaWeights(
        LlamaConfig config, float[] tokenEmbedding, List<Layer> layers, float[] finalNorm, float[] output) {

    /**
     * One transformer block.
     *
     * @param attnNorm [dim]
     * @param wq       [heads*headDim][dim]
     * @param wk       [kvHeads*headDim][dim]
     * @param wv       [kvHeads*headDim][dim]
     * @param wo       [dim][heads*headDim]
     * @param ffnNorm  [dim]
     * @param wGate    [ffn][dim]
     * @param wUp      [ffn][dim]
     * @param wDown    [dim][ffn]
     */
    public record Layer(
            float[] attnNorm,
            float[] wq,
            float[] wk,
            float[] wv,
            float[] wo,
            float[] ffnNorm,
            float[] wGate,
            float[] wUp,
            float[] wDown) {

        /** Applies {@code f} to every matrix, leaving the norm vectors alone. */
        public Layer mapMatrices(UnaryOperator<float[]> f) {
            return new Layer(
                    attnNorm,
                    f.apply(wq),
                    f.apply(wk),
                    f.apply(wv),
                    f.apply(wo),
                    ffnNorm,
                    f.apply(wGate),
                    f.apply(wUp),
                    f.apply(wDown));
        }

        void validate(LlamaConfig c, int index) {
            int dim = c.dim();
            int qDim = c.heads() * c.headDim();
            String where = "layer " + index + " ";
            checkLength(where + "attnNorm", attnNorm, dim);
            checkLength(where + "wq", wq, qDim * dim);
            checkLength(where + "wk", wk, c.kvDim() * dim);
            checkLength(where + "wv", wv, c.kvDim() * dim);
            checkLength(where + "wo", wo, dim * qDim);
            checkLength(where + "ffnNorm", ffnNorm, dim);
            checkLength(where + "wGate", wGate, c.ffnDim() * dim);
            checkLength(where + "wUp", wUp, c.ffnDim() * dim);
            checkLength(where + "wDown", wDown, dim * c.ffnDim());
        }
    }

    public LlamaWeights {
        layers = List.copyOf(layers);
        if (layers.size() != config.layers()) {
            throw new IllegalArgumentException("expected " + config.layers() + " layers, got " + layers.size());
        }
        checkLength("tokenEmbedding", tokenEmbedding, config.vocabSize() * config.dim());
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).validate(config, i);
        }
        checkLength("finalNorm", finalNorm, config.dim());
        if (config.tiedEmbeddings()) {
            if (output != null) {
                throw new IllegalArgumentException("tied embeddings: output must be null (the embedding is reused)");
            }
        } else {
            checkLength("output", output, config.vocabSize() * config.dim());
        }
    }

    /** The [vocab][dim] matrix that turns the final hidden state into logits. */
    public float[] outputProjection() {
        return config.tiedEmbeddings() ? tokenEmbedding : output;
    }

    /** Applies {@code f} to every matrix (embedding, projections, output), leaving norm vectors alone. */
    public LlamaWeights mapMatrices(UnaryOperator<float[]> f) {
        return new LlamaWeights(
                config,
                f.apply(tokenEmbedding),
                layers.stream().map(layer -> layer.mapMatrices(f)).toList(),
                finalNorm,
                output == null ? null : f.apply(output));
    }

    /** The same model with untied embeddings: {@code output} becomes a copy of the token embedding. */
    public LlamaWeights untied() {
        if (!config.tiedEmbeddings()) {
            return this;
        }
        return new LlamaWeights(
                config.withTiedEmbeddings(false), tokenEmbedding, layers, finalNorm, tokenEmbedding.clone());
    }

    /**
     * Reorders the rows of wq and wk the way llama.cpp's HF-to-GGUF converter does, so that
     * {@code reference(HALF, this) == reference(INTERLEAVED, permutedForGguf())}.
     */
    public LlamaWeights permutedForGguf() {
        int headDim = config.headDim();
        int dim = config.dim();
        var permuted = layers.stream()
                .map(l -> new Layer(
                        l.attnNorm(),
                        permuteRopeRows(l.wq(), config.heads(), headDim, dim),
                        permuteRopeRows(l.wk(), config.kvHeads(), headDim, dim),
                        l.wv(),
                        l.wo(),
                        l.ffnNorm(),
                        l.wGate(),
                        l.wUp(),
                        l.wDown()))
                .toList();
        return new LlamaWeights(config, tokenEmbedding, permuted, finalNorm, output);
    }

    /**
     * The Q/K row permutation of llama.cpp's converter ({@code LlamaModel.permute}):
     * {@code w.reshape(nHead, 2, headDim/2, in).swapaxes(1, 2).reshape(w.shape)}.
     *
     * <p>Within each head, new row {@code 2j + k} is old row {@code k*headDim/2 + j}: the rows that
     * {@code rotate_half} pairs up (j and j + headDim/2) become adjacent, as interleaved RoPE expects.
     *
     * @param w       [nHead*headDim][in], row-major
     * @param nHead   heads in this matrix (query heads for wq, key/value heads for wk)
     * @param headDim rows per head (even)
     * @param in      columns
     * @return a new array; {@code w} is not modified
     */
    public static float[] permuteRopeRows(float[] w, int nHead, int headDim, int in) {
        checkLength("w", w, nHead * headDim * in);
        int half = headDim / 2;
        var out = new float[w.length];
        for (int h = 0; h < nHead; h++) {
            for (int j = 0; j < half; j++) {
                for (int k = 0; k < 2; k++) {
                    int newRow = h * headDim + 2 * j + k;
                    int oldRow = h * headDim + k * half + j;
                    System.arraycopy(w, oldRow * in, out, newRow * in, in);
                }
            }
        }
        return out;
    }

    private static void checkLength(String name, float[] array, int expected) {
        if (array == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        if (array.length != expected) {
            throw new IllegalArgumentException(name + " has " + array.length + " values, expected " + expected);
        }
    }
}
