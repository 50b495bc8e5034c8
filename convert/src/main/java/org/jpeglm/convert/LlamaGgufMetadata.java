package org.jpeglm.convert;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jpeglm.FileType;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgufValue;

/**
 * The GGUF metadata of a converted model: {@code general.*}, the {@code llama.*} hyper-parameters llama.cpp reads,
 * {@code tokenizer.ggml.model = "none"} (llama.cpp tokenizes nothing; jpeglm does), and the Jpeg-LM keys.
 */
public final class LlamaGgufMetadata {
    private LlamaGgufMetadata() {}

    /** ggml's quantization format version, as llama.cpp's converter writes it. */
    public static final int QUANTIZATION_VERSION = 2;

    /**
     * The metadata, in a stable order.
     *
     * @param spec the Jpeg-LM spec, or null for a plain llama file
     */
    public static Map<String, GgufValue> of(HfLlamaConfig c, String name, FileType fileType, JpegLmSpec spec) {
        return of(c, name, fileType, spec == null ? Map.of() : spec.toGguf());
    }

    /**
     * The metadata, in a stable order.
     *
     * @param jpeglmKeys the model's {@code jpeglm.*} keys (an image or a video model's spec), empty for a plain
     *     llama file
     */
    public static Map<String, GgufValue> of(
            HfLlamaConfig c, String name, FileType fileType, Map<String, GgufValue> jpeglmKeys) {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put("general.architecture", GgufValue.string("llama"));
        m.put("general.type", GgufValue.string("model"));
        m.put("general.name", GgufValue.string(name));
        m.put("general.file_type", GgufValue.uint32(fileType.id()));
        m.put("general.quantization_version", GgufValue.uint32(QUANTIZATION_VERSION));
        m.put("llama.vocab_size", GgufValue.uint32(c.vocabSize()));
        m.put("llama.context_length", GgufValue.uint32(c.contextLength()));
        m.put("llama.embedding_length", GgufValue.uint32(c.hiddenSize()));
        m.put("llama.block_count", GgufValue.uint32(c.layers()));
        m.put("llama.feed_forward_length", GgufValue.uint32(c.intermediateSize()));
        m.put("llama.attention.head_count", GgufValue.uint32(c.heads()));
        m.put("llama.attention.head_count_kv", GgufValue.uint32(c.kvHeads()));
        m.put("llama.rope.dimension_count", GgufValue.uint32(c.headDim()));
        m.put("llama.rope.freq_base", GgufValue.float32((float) c.ropeTheta()));
        m.put("llama.attention.layer_norm_rms_epsilon", GgufValue.float32((float) c.rmsEps()));
        RopeScaling r = c.ropeScaling();
        switch (r.type()) {
            case LINEAR -> {
                m.put("llama.rope.scaling.type", GgufValue.string("linear"));
                m.put("llama.rope.scaling.factor", GgufValue.float32((float) r.factor()));
            }
            case YARN -> {
                m.put("llama.rope.scaling.type", GgufValue.string("yarn"));
                m.put("llama.rope.scaling.factor", GgufValue.float32((float) r.factor()));
                m.put("llama.rope.scaling.original_context_length", GgufValue.uint32(r.originalContextLength()));
                putIfSet(m, "llama.rope.scaling.yarn_ext_factor", r.yarnExtFactor());
                putIfSet(m, "llama.rope.scaling.yarn_attn_factor", r.yarnAttnFactor());
                putIfSet(m, "llama.rope.scaling.yarn_beta_fast", r.yarnBetaFast());
                putIfSet(m, "llama.rope.scaling.yarn_beta_slow", r.yarnBetaSlow());
            }
            case LLAMA3, NONE -> {
                // Llama 3 scaling travels as the rope_freqs.weight tensor, like llama.cpp's converter writes it.
            }
        }
        m.put("tokenizer.ggml.model", GgufValue.string("none"));
        m.putAll(jpeglmKeys);
        return m;
    }

    private static void putIfSet(Map<String, GgufValue> m, String key, double v) {
        if (!Double.isNaN(v)) {
            m.put(key, GgufValue.float32((float) v));
        }
    }
}
