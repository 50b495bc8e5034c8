package org.jpeglm.testing;

/**
 * Hyper-parameters of a Llama-architecture model, named after the GGUF {@code llama.*} metadata keys.
 *
 * @param vocabSize      number of token ids ({@code llama.vocab_size})
 * @param dim            embedding length / residual width ({@code llama.embedding_length})
 * @param layers         number of transformer blocks ({@code llama.block_count})
 * @param heads          query heads ({@code llama.attention.head_count})
 * @param kvHeads        key/value heads, grouped-query attention when fewer than {@code heads}
 *                       ({@code llama.attention.head_count_kv})
 * @param ffnDim         hidden width of the SwiGLU feed-forward block ({@code llama.feed_forward_length})
 * @param contextLength  maximum number of positions ({@code llama.context_length})
 * @param ropeTheta      RoPE frequency base ({@code llama.rope.freq_base}), 10000 for Llama 2
 * @param rmsEps         epsilon inside RMSNorm's square root ({@code llama.attention.layer_norm_rms_epsilon})
 * @param tiedEmbeddings whether the output projection reuses the token embedding (no {@code output.weight})
 */
public record LlamaConfig(
        int vocabSize,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int ffnDim,
        int contextLength,
        float ropeTheta,
        float rmsEps,
        boolean tiedEmbeddings) {

    public LlamaConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("dim", dim);
        requirePositive("layers", layers);
        requirePositive("heads", heads);
        requirePositive("kvHeads", kvHeads);
        requirePositive("ffnDim", ffnDim);
        requirePositive("contextLength", contextLength);
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not a multiple of heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " is not a multiple of kvHeads " + kvHeads);
        }
        if ((dim / heads) % 2 != 0) {
            // RoPE rotates pairs of values, so a head needs an even width.
            throw new IllegalArgumentException("head dimension " + dim / heads + " is odd");
        }
        if (!(ropeTheta > 0f) || Float.isInfinite(ropeTheta)) {
            throw new IllegalArgumentException("ropeTheta must be positive and finite: " + ropeTheta);
        }
        // Zero is allowed so hand-computed tests can use exact arithmetic; real models use ~1e-5.
        if (!(rmsEps >= 0f) || Float.isInfinite(rmsEps)) {
            throw new IllegalArgumentException("rmsEps must be non-negative and finite: " + rmsEps);
        }
    }

    /** A small Llama-2-style config: untied, theta 10000, eps 1e-5, heads == kvHeads. */
    public static LlamaConfig small(int vocabSize, int dim, int layers, int heads, int ffnDim) {
        return new LlamaConfig(vocabSize, dim, layers, heads, heads, ffnDim, 64, 10000f, 1e-5f, false);
    }

    /** Width of one attention head (also the RoPE dimension count). */
    public int headDim() {
        return dim / heads;
    }

    /** Width of the K and V projections: kvHeads * headDim. */
    public int kvDim() {
        return kvHeads * headDim();
    }

    /** How many query heads share one key/value head. */
    public int groupSize() {
        return heads / kvHeads;
    }

    public LlamaConfig withKvHeads(int newKvHeads) {
        return new LlamaConfig(
                vocabSize, dim, layers, heads, newKvHeads, ffnDim, contextLength, ropeTheta, rmsEps, tiedEmbeddings);
    }

    public LlamaConfig withTiedEmbeddings(boolean tied) {
        return new LlamaConfig(vocabSize, dim, layers, heads, kvHeads, ffnDim, contextLength, ropeTheta, rmsEps, tied);
    }

    public LlamaConfig withContextLength(int newContextLength) {
        return new LlamaConfig(
                vocabSize, dim, layers, heads, kvHeads, ffnDim, newContextLength, ropeTheta, rmsEps, tiedEmbeddings);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }
}
