package org.jpeglm.convert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The hyper-parameters of a Hugging Face Llama checkpoint, read from its {@code config.json} (transformers'
 * {@code LlamaConfig}), with everything this converter cannot turn into a llama.cpp {@code llama} model refused
 * by name.
 *
 * <p>Accepted: {@code architectures} {@code ["LlamaForCausalLM"]} with {@code model_type} {@code "llama"}, and
 * {@code MistralForCausalLM} without a sliding window (then it is a Llama). Refused: mixture-of-experts models
 * (Mixtral, any config with experts), sliding-window attention, every other architecture, activations other than
 * SiLU, attention or MLP biases, a {@code head_dim} other than {@code hidden_size / num_attention_heads}, RoPE
 * scaling kinds llama.cpp's llama architecture does not run ({@code dynamic}, {@code longrope}, unknown ones).
 *
 * @param architecture     the HF class, e.g. {@code LlamaForCausalLM}
 * @param vocabSize        {@code vocab_size}
 * @param hiddenSize       {@code hidden_size}
 * @param intermediateSize {@code intermediate_size}
 * @param layers           {@code num_hidden_layers}
 * @param heads            {@code num_attention_heads}
 * @param kvHeads          {@code num_key_value_heads} (= heads when absent)
 * @param contextLength    {@code max_position_embeddings}
 * @param rmsEps           {@code rms_norm_eps} (1e-6 when absent, transformers' default)
 * @param ropeTheta        {@code rope_theta} (10000 when absent)
 * @param ropeScaling      {@code rope_scaling} / {@code rope_parameters}
 * @param tiedEmbeddings   {@code tie_word_embeddings} (false when absent)
 * @param torchDtype       {@code torch_dtype} / {@code dtype} as written, or null
 * @param nameOrPath       {@code _name_or_path}, or null
 */
public record HfLlamaConfig(
        String architecture,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int layers,
        int heads,
        int kvHeads,
        int contextLength,
        double rmsEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean tiedEmbeddings,
        String torchDtype,
        String nameOrPath) {

    public static final String FILE_NAME = "config.json";

    // The largest values llama.cpp's loader takes, as jpeglm's native check (native/src/gguf_hparams.cpp) bounds
    // them: a model beyond them could be written but never loaded.
    /** num_hidden_layers at most (llama.cpp's LLAMA_MAX_LAYERS). */
    public static final int MAX_LAYERS = 512;
    /** hidden_size at most. */
    public static final int MAX_HIDDEN = 1 << 20;
    /** max_position_embeddings at most. */
    public static final int MAX_CONTEXT = 1 << 20;
    /** intermediate_size at most. */
    public static final int MAX_INTERMEDIATE = 1 << 24;
    /** num_attention_heads and num_key_value_heads at most. */
    public static final int MAX_HEADS = 1 << 16;
    /** rope_theta at most (and above 0); rms_norm_eps is in (0, 1). */
    public static final double MAX_ROPE_THETA = 1e12;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Architectures refused by name, with why. */
    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("MixtralForCausalLM", "Mixtral is a mixture-of-experts model"),
            Map.entry("Qwen2MoeForCausalLM", "Qwen2-MoE is a mixture-of-experts model"),
            Map.entry("DeepseekV2ForCausalLM", "DeepSeek-V2 is a mixture-of-experts model"),
            Map.entry("DeepseekV3ForCausalLM", "DeepSeek-V3 is a mixture-of-experts model"),
            Map.entry("Llama4ForCausalLM", "Llama 4 is a mixture-of-experts model with another layout"),
            Map.entry("Llama4ForConditionalGeneration", "Llama 4 is a multimodal mixture-of-experts model"),
            Map.entry("LlamaModel", "LlamaModel is a Llama without its language-model head (save LlamaForCausalLM)"),
            Map.entry("LlavaForConditionalGeneration", "LLaVA is a vision-language model"),
            Map.entry("GemmaForCausalLM", "Gemma differs from Llama (norms, embedding scale, activation)"),
            Map.entry("Gemma2ForCausalLM", "Gemma 2 differs from Llama (sliding window, soft-capping)"),
            Map.entry("Qwen2ForCausalLM", "Qwen2 differs from Llama (attention biases)"),
            Map.entry("Phi3ForCausalLM", "Phi-3 differs from Llama (fused projections, longrope)"),
            Map.entry("GPT2LMHeadModel", "GPT-2 is not a Llama"),
            Map.entry("GPTNeoXForCausalLM", "GPT-NeoX is not a Llama"));

    public HfLlamaConfig {
        if (ropeScaling == null) {
            ropeScaling = RopeScaling.NONE;
        }
    }

    /** Width of one attention head, also the RoPE dimension count. */
    public int headDim() {
        return hiddenSize / heads;
    }

    /** Width of the K and V projections. */
    public int kvDim() {
        return kvHeads * headDim();
    }

    /** Reads and checks {@code dir/config.json}. */
    public static HfLlamaConfig read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("missing config.json: " + dir + " has no " + FILE_NAME
                    + " (a Hugging Face checkpoint directory holds config.json and model.safetensors)");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(file + " is not a JSON object");
        }
        return parse(root, file.toString());
    }

    /** Checks a parsed config.json; {@code where} names it in messages. */
    static HfLlamaConfig parse(JsonNode root, String where) throws CheckpointException {
        String architecture = architecture(root, where);
        String modelType = root.path("model_type").asText("");
        checkArchitecture(root, architecture, modelType, where);

        int vocab = positiveInt(root, "vocab_size", where);
        int hidden = boundedInt(root, "hidden_size", MAX_HIDDEN, where);
        int ffn = boundedInt(root, "intermediate_size", MAX_INTERMEDIATE, where);
        int layers = boundedInt(root, "num_hidden_layers", MAX_LAYERS, where);
        int heads = boundedInt(root, "num_attention_heads", MAX_HEADS, where);
        int kvHeads = root.hasNonNull("num_key_value_heads")
                ? boundedInt(root, "num_key_value_heads", MAX_HEADS, where)
                : heads;
        int context = boundedInt(root, "max_position_embeddings", MAX_CONTEXT, where);
        if (hidden % heads != 0) {
            throw new CheckpointException(
                    where + ": hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new CheckpointException(
                    where + ": num_attention_heads " + heads + " is not a multiple of num_key_value_heads " + kvHeads);
        }
        if ((hidden / heads) % 2 != 0) {
            throw new CheckpointException(
                    where + ": the head size " + hidden / heads + " is odd; RoPE needs an even one");
        }
        if (root.hasNonNull("head_dim")) {
            int headDim = positiveInt(root, "head_dim", where);
            if (headDim != hidden / heads) {
                throw new CheckpointException(
                        where + ": head_dim " + headDim + " differs from hidden_size / num_attention_heads = "
                                + hidden / heads + "; this converter supports Llama-2-style heads only");
            }
        }
        String act = root.path("hidden_act").asText("silu");
        if (!act.equals("silu")) {
            throw new CheckpointException(
                    where + ": hidden_act is '" + act + "'; Llama uses 'silu' (SwiGLU), nothing else is supported");
        }
        for (String bias : new String[] {"attention_bias", "mlp_bias"}) {
            if (root.path(bias).asBoolean(false)) {
                throw new CheckpointException(
                        where + ": " + bias + " is true; biases are not supported (Llama has none)");
            }
        }
        double rmsEps = root.hasNonNull("rms_norm_eps") ? positiveDouble(root, "rms_norm_eps", where) : 1e-6;
        if (rmsEps >= 1) {
            throw new CheckpointException(where + ": 'rms_norm_eps' must be below 1, got " + rmsEps);
        }
        JsonNode ropeParams =
                root.hasNonNull("rope_parameters") ? root.get("rope_parameters") : root.get("rope_scaling");
        double theta = 10000;
        if (root.hasNonNull("rope_theta")) {
            theta = positiveDouble(root, "rope_theta", where);
        } else if (ropeParams != null && ropeParams.hasNonNull("rope_theta")) {
            theta = positiveDouble(ropeParams, "rope_theta", where + " rope_parameters");
        }
        if (theta > MAX_ROPE_THETA) {
            throw new CheckpointException(
                    where + ": 'rope_theta' must be at most " + MAX_ROPE_THETA + " (llama.cpp's bound), got " + theta);
        }
        RopeScaling scaling = ropeScaling(ropeParams, root, where);
        boolean tied = root.path("tie_word_embeddings").asBoolean(false);
        String dtype = root.hasNonNull("torch_dtype")
                ? root.get("torch_dtype").asText()
                : root.hasNonNull("dtype") ? root.get("dtype").asText() : null;
        String name =
                root.hasNonNull("_name_or_path") ? root.get("_name_or_path").asText() : null;
        return new HfLlamaConfig(
                architecture,
                vocab,
                hidden,
                ffn,
                layers,
                heads,
                kvHeads,
                context,
                rmsEps,
                theta,
                scaling,
                tied,
                dtype,
                name);
    }

    private static String architecture(JsonNode root, String where) throws CheckpointException {
        JsonNode archs = root.get("architectures");
        if (archs == null || archs.isNull()) {
            String modelType = root.path("model_type").asText("");
            if (modelType.isEmpty()) {
                throw new CheckpointException(
                        where + " names no architecture (no 'architectures' and no 'model_type')");
            }
            return modelType.equals("llama") ? "LlamaForCausalLM" : modelType;
        }
        if (!archs.isArray() || archs.isEmpty() || !archs.get(0).isTextual()) {
            throw new CheckpointException(where + ": 'architectures' must be a list of class names, got " + archs);
        }
        if (archs.size() > 1) {
            throw new CheckpointException(
                    where + " names several architectures " + archs + "; expected one: LlamaForCausalLM");
        }
        return archs.get(0).asText();
    }

    private static void checkArchitecture(JsonNode root, String arch, String modelType, String where)
            throws CheckpointException {
        String refused = REFUSED.get(arch);
        if (refused != null) {
            throw new CheckpointException("unsupported architecture " + arch + " (" + where + "): " + refused
                    + "; jpeglm converts Llama checkpoints (LlamaForCausalLM) only");
        }
        for (String key : new String[] {"num_local_experts", "num_experts", "n_routed_experts", "moe_num_experts"}) {
            if (root.path(key).asInt(0) > 0) {
                throw new CheckpointException("unsupported architecture " + arch + " (" + where + "): " + key + " = "
                        + root.path(key).asInt()
                        + " makes it a mixture-of-experts model; jpeglm converts plain Llama only");
            }
        }
        boolean mistral = arch.equals("MistralForCausalLM");
        if (!arch.equals("LlamaForCausalLM") && !mistral) {
            throw new CheckpointException("unsupported architecture " + arch + " (" + where
                    + "); jpeglm converts Llama checkpoints (LlamaForCausalLM, model_type llama) only");
        }
        String expectedType = mistral ? "mistral" : "llama";
        if (!modelType.isEmpty() && !modelType.equals(expectedType)) {
            throw new CheckpointException("unsupported model_type '" + modelType + "' for " + arch + " (" + where
                    + "); jpeglm converts plain Llama (model_type llama) only");
        }
        JsonNode window = root.get("sliding_window");
        if (window != null
                && !window.isNull()
                && !(window.isBoolean() && !window.asBoolean())
                && !(root.has("use_sliding_window")
                        && !root.path("use_sliding_window").asBoolean())) {
            throw new CheckpointException(
                    "unsupported architecture " + arch + " (" + where + "): sliding-window attention (sliding_window = "
                            + window + ") is not Llama; llama.cpp's llama architecture attends to the whole context");
        }
    }

    private static RopeScaling ropeScaling(JsonNode p, JsonNode root, String where) throws CheckpointException {
        if (p == null || p.isNull() || p.isEmpty()) {
            return RopeScaling.NONE;
        }
        if (!p.isObject()) {
            throw new CheckpointException(where + ": rope_scaling must be an object, got " + p);
        }
        String type = p.hasNonNull("rope_type")
                ? p.get("rope_type").asText()
                : p.path("type").asText("default");
        String at = where + " rope_scaling";
        int original = p.hasNonNull("original_max_position_embeddings")
                ? positiveInt(p, "original_max_position_embeddings", at)
                : root.hasNonNull("original_max_position_embeddings")
                        ? positiveInt(root, "original_max_position_embeddings", where)
                        : 0;
        switch (type.toLowerCase(Locale.ROOT)) {
            case "default", "none" -> {
                return RopeScaling.NONE;
            }
            case "linear" -> {
                return new RopeScaling(
                        RopeScaling.Type.LINEAR,
                        positiveDouble(p, "factor", at),
                        original,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        1,
                        4);
            }
            case "yarn" -> {
                if (original == 0) {
                    throw new CheckpointException(at + ": yarn needs original_max_position_embeddings");
                }
                double attn = p.hasNonNull("attention_factor")
                        ? positiveDouble(p, "attention_factor", at)
                        : p.hasNonNull("attn_factor") ? positiveDouble(p, "attn_factor", at) : Double.NaN;
                return new RopeScaling(
                        RopeScaling.Type.YARN,
                        positiveDouble(p, "factor", at),
                        original,
                        optionalDouble(p, "extrapolation_factor", at),
                        attn,
                        optionalDouble(p, "beta_fast", at),
                        optionalDouble(p, "beta_slow", at),
                        1,
                        4);
            }
            case "llama3" -> {
                double factor = p.hasNonNull("factor") ? positiveDouble(p, "factor", at) : 8;
                double low = p.hasNonNull("low_freq_factor") ? positiveDouble(p, "low_freq_factor", at) : 1;
                double high = p.hasNonNull("high_freq_factor") ? positiveDouble(p, "high_freq_factor", at) : 4;
                if (!(high > low)) {
                    throw new CheckpointException(
                            at + ": llama3 needs high_freq_factor > low_freq_factor, got " + high + " and " + low);
                }
                return new RopeScaling(
                        RopeScaling.Type.LLAMA3,
                        factor,
                        original > 0 ? original : 8192,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        Double.NaN,
                        low,
                        high);
            }
            case "dynamic" ->
                throw new CheckpointException("unsupported rope_scaling type 'dynamic' (" + where
                        + "): llama.cpp has no dynamic NTK scaling; supported: linear, yarn, llama3");
            case "longrope", "su" ->
                throw new CheckpointException(
                        "unsupported rope_scaling type '" + type + "' (" + where
                                + "): LongRoPE needs per-dimension factor tensors the llama architecture does not take; supported: linear, yarn, llama3");
            default ->
                throw new CheckpointException("unsupported rope_scaling type '" + type + "' (" + where
                        + "); supported: linear, yarn, llama3");
        }
    }

    private static int positiveInt(JsonNode node, String key, String where) throws CheckpointException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new CheckpointException(where + " lacks '" + key + "'");
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new CheckpointException(where + ": '" + key + "' must be a positive integer, got " + v);
        }
        return v.asInt();
    }

    /** A positive integer of at most max (llama.cpp loads no more). */
    private static int boundedInt(JsonNode node, String key, int max, String where) throws CheckpointException {
        int v = positiveInt(node, key, where);
        if (v > max) {
            throw new CheckpointException(
                    where + ": '" + key + "' must be 1 to " + max + " (the most llama.cpp loads), got " + v);
        }
        return v;
    }

    private static double positiveDouble(JsonNode node, String key, String where) throws CheckpointException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            throw new CheckpointException(where + " lacks '" + key + "'");
        }
        if (!v.isNumber() || !(v.asDouble() > 0) || Double.isInfinite(v.asDouble())) {
            throw new CheckpointException(where + ": '" + key + "' must be a positive number, got " + v);
        }
        return v.asDouble();
    }

    private static double optionalDouble(JsonNode node, String key, String where) throws CheckpointException {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber() || Double.isInfinite(v.asDouble())) {
            throw new CheckpointException(where + ": '" + key + "' must be a number, got " + v);
        }
        return v.asDouble();
    }
}
