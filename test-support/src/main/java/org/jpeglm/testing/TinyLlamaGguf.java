package org.jpeglm.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufWriter;

/**
 * Writes {@link LlamaWeights} (HF layout) as a GGUF file llama.cpp runs: the {@code llama.*} hyper-parameters,
 * tokenizer model "none" with the vocabulary size, Q/K rows permuted for llama.cpp's RoPE, norms in F32 and
 * matrices in the given type.
 */
public final class TinyLlamaGguf {
    private TinyLlamaGguf() {}

    public static void write(LlamaWeights hf, Path path, GgmlType matrixType) throws IOException {
        writer(hf, matrixType).write(path);
    }

    /** The writer with everything added, for tests that add or change metadata before writing. */
    public static GgufWriter writer(LlamaWeights hf, GgmlType matrixType) {
        LlamaConfig c = hf.config();
        LlamaWeights w = hf.permutedForGguf();
        GgufWriter g = new GgufWriter()
                .put("general.architecture", GgufValue.string("llama"))
                .put("general.name", GgufValue.string("tiny random llama"))
                .put("llama.vocab_size", GgufValue.uint32(c.vocabSize()))
                .put("llama.context_length", GgufValue.uint32(c.contextLength()))
                .put("llama.embedding_length", GgufValue.uint32(c.dim()))
                .put("llama.block_count", GgufValue.uint32(c.layers()))
                .put("llama.feed_forward_length", GgufValue.uint32(c.ffnDim()))
                .put("llama.attention.head_count", GgufValue.uint32(c.heads()))
                .put("llama.attention.head_count_kv", GgufValue.uint32(c.kvHeads()))
                .put("llama.rope.dimension_count", GgufValue.uint32(c.headDim()))
                .put("llama.rope.freq_base", GgufValue.float32(c.ropeTheta()))
                .put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32(c.rmsEps()))
                .put("tokenizer.ggml.model", GgufValue.string("none"));
        int dim = c.dim();
        int qDim = c.heads() * c.headDim();
        g.addTensor("token_embd.weight", matrixType, new long[] {dim, c.vocabSize()}, w.tokenEmbedding());
        for (int i = 0; i < c.layers(); i++) {
            LlamaWeights.Layer l = w.layers().get(i);
            String p = "blk." + i + ".";
            g.addTensor(p + "attn_norm.weight", GgmlType.F32, new long[] {dim}, l.attnNorm());
            g.addTensor(p + "attn_q.weight", matrixType, new long[] {dim, qDim}, l.wq());
            g.addTensor(p + "attn_k.weight", matrixType, new long[] {dim, c.kvDim()}, l.wk());
            g.addTensor(p + "attn_v.weight", matrixType, new long[] {dim, c.kvDim()}, l.wv());
            g.addTensor(p + "attn_output.weight", matrixType, new long[] {qDim, dim}, l.wo());
            g.addTensor(p + "ffn_norm.weight", GgmlType.F32, new long[] {dim}, l.ffnNorm());
            g.addTensor(p + "ffn_gate.weight", matrixType, new long[] {dim, c.ffnDim()}, l.wGate());
            g.addTensor(p + "ffn_up.weight", matrixType, new long[] {dim, c.ffnDim()}, l.wUp());
            g.addTensor(p + "ffn_down.weight", matrixType, new long[] {c.ffnDim(), dim}, l.wDown());
        }
        g.addTensor("output_norm.weight", GgmlType.F32, new long[] {dim}, w.finalNorm());
        if (!c.tiedEmbeddings()) {
            g.addTensor("output.weight", matrixType, new long[] {dim, c.vocabSize()}, w.output());
        }
        return g;
    }
}
