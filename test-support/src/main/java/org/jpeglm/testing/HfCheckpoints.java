package org.jpeglm.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.bpe.TokenPair;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.jpeg.JpegProfile;

/**
 * Hugging Face checkpoint directories written from {@link LlamaWeights}, the way transformers'
 * {@code save_pretrained} lays them out: config.json, model.safetensors or shards with an index, and (for Jpeg-LM)
 * tokenizer.json and jpeglm_profile.json.
 */
public final class HfCheckpoints {
    private HfCheckpoints() {}

    /** A tensor in HF layout. */
    public record HfTensor(String name, long[] shape, float[] values) {}

    /** Every tensor of w under its HF name, in transformers' order. */
    public static List<HfTensor> tensors(LlamaWeights w) {
        LlamaConfig c = w.config();
        long dim = c.dim();
        long q = (long) c.heads() * c.headDim();
        long kv = c.kvDim();
        long ffn = c.ffnDim();
        List<HfTensor> list = new ArrayList<>();
        list.add(new HfTensor("model.embed_tokens.weight", new long[] {c.vocabSize(), dim}, w.tokenEmbedding()));
        for (int i = 0; i < c.layers(); i++) {
            LlamaWeights.Layer l = w.layers().get(i);
            String p = "model.layers." + i + ".";
            list.add(new HfTensor(p + "input_layernorm.weight", new long[] {dim}, l.attnNorm()));
            list.add(new HfTensor(p + "self_attn.q_proj.weight", new long[] {q, dim}, l.wq()));
            list.add(new HfTensor(p + "self_attn.k_proj.weight", new long[] {kv, dim}, l.wk()));
            list.add(new HfTensor(p + "self_attn.v_proj.weight", new long[] {kv, dim}, l.wv()));
            list.add(new HfTensor(p + "self_attn.o_proj.weight", new long[] {dim, q}, l.wo()));
            list.add(new HfTensor(p + "post_attention_layernorm.weight", new long[] {dim}, l.ffnNorm()));
            list.add(new HfTensor(p + "mlp.gate_proj.weight", new long[] {ffn, dim}, l.wGate()));
            list.add(new HfTensor(p + "mlp.up_proj.weight", new long[] {ffn, dim}, l.wUp()));
            list.add(new HfTensor(p + "mlp.down_proj.weight", new long[] {dim, ffn}, l.wDown()));
        }
        list.add(new HfTensor("model.norm.weight", new long[] {dim}, w.finalNorm()));
        if (!c.tiedEmbeddings()) {
            list.add(new HfTensor("lm_head.weight", new long[] {c.vocabSize(), dim}, w.output()));
        }
        return list;
    }

    /** w with every value (norms too) rounded as a checkpoint of dtype stores it. */
    public static LlamaWeights rounded(LlamaWeights w, String dtype) {
        List<LlamaWeights.Layer> layers = new ArrayList<>();
        for (LlamaWeights.Layer l : w.layers()) {
            layers.add(new LlamaWeights.Layer(
                    r(l.attnNorm(), dtype),
                    r(l.wq(), dtype),
                    r(l.wk(), dtype),
                    r(l.wv(), dtype),
                    r(l.wo(), dtype),
                    r(l.ffnNorm(), dtype),
                    r(l.wGate(), dtype),
                    r(l.wUp(), dtype),
                    r(l.wDown(), dtype)));
        }
        return new LlamaWeights(
                w.config(),
                r(w.tokenEmbedding(), dtype),
                layers,
                r(w.finalNorm(), dtype),
                w.output() == null ? null : r(w.output(), dtype));
    }

    private static float[] r(float[] v, String dtype) {
        return SafetensorsTestWriter.rounded(v, dtype);
    }

    /** transformers' config.json for c. */
    public static ObjectNode config(LlamaConfig c) {
        ObjectNode n = SafetensorsTestWriter.MAPPER.createObjectNode();
        n.putArray("architectures").add("LlamaForCausalLM");
        n.put("attention_bias", false);
        n.put("attention_dropout", 0.0);
        n.put("bos_token_id", c.vocabSize() - 2);
        n.put("eos_token_id", c.vocabSize() - 1);
        n.put("head_dim", c.headDim());
        n.put("hidden_act", "silu");
        n.put("hidden_size", c.dim());
        n.put("initializer_range", 0.02);
        n.put("intermediate_size", c.ffnDim());
        n.put("max_position_embeddings", c.contextLength());
        n.put("mlp_bias", false);
        n.put("model_type", "llama");
        n.put("num_attention_heads", c.heads());
        n.put("num_hidden_layers", c.layers());
        n.put("num_key_value_heads", c.kvHeads());
        n.put("pretraining_tp", 1);
        n.put("rms_norm_eps", c.rmsEps());
        n.putNull("rope_scaling");
        n.put("rope_theta", c.ropeTheta());
        n.put("tie_word_embeddings", c.tiedEmbeddings());
        n.put("torch_dtype", "float32");
        n.put("transformers_version", "4.46.0");
        n.put("use_cache", true);
        n.put("vocab_size", c.vocabSize());
        return n;
    }

    /**
     * Writes w into dir (created) in dtype, as one model.safetensors (shards = 1) or shards with an index
     * (shards &gt; 1), or shards without index (shards &lt; -1: -shards files).
     */
    public static Path write(Path dir, LlamaWeights w, String dtype, int shards) throws IOException {
        return write(dir, w, dtype, shards, config(w.config()));
    }

    public static Path write(Path dir, LlamaWeights w, String dtype, int shards, ObjectNode config) throws IOException {
        Files.createDirectories(dir);
        ObjectNode cfg = config.deepCopy();
        cfg.put(
                "torch_dtype",
                switch (dtype) {
                    case "F16" -> "float16";
                    case "BF16" -> "bfloat16";
                    default -> "float32";
                });
        Files.writeString(dir.resolve("config.json"), cfg.toPrettyString());
        List<SafetensorsTestWriter.Entry> entries = new ArrayList<>();
        for (HfTensor t : tensors(w)) {
            entries.add(SafetensorsTestWriter.Entry.of(t.name(), dtype, t.shape(), t.values()));
        }
        writeWeights(dir, entries, shards);
        return dir;
    }

    /** Writes entries as model.safetensors or shards (see {@link #write}). */
    public static void writeWeights(Path dir, List<SafetensorsTestWriter.Entry> entries, int shards)
            throws IOException {
        if (shards == 1) {
            SafetensorsTestWriter.write(dir.resolve("model.safetensors"), entries);
            return;
        }
        int n = Math.abs(shards);
        Map<String, String> weightMap = new LinkedHashMap<>();
        long total = 0;
        for (int s = 0; s < n; s++) {
            String file = "model-%05d-of-%05d.safetensors".formatted(s + 1, n);
            List<SafetensorsTestWriter.Entry> part = new ArrayList<>();
            for (int i = s; i < entries.size(); i += n) {
                part.add(entries.get(i));
                weightMap.put(entries.get(i).name(), file);
                total += entries.get(i).size();
            }
            SafetensorsTestWriter.write(dir.resolve(file), part);
        }
        if (shards > 1) {
            ObjectNode index = SafetensorsTestWriter.MAPPER.createObjectNode();
            index.putObject("metadata").put("total_size", total);
            ObjectNode map = index.putObject("weight_map");
            weightMap.forEach(map::put);
            Files.writeString(dir.resolve("model.safetensors.index.json"), index.toPrettyString());
        }
    }

    /** A tokenizer of exactly vocab ids in the default layout: random valid merges, then BOS and EOS. */
    public static BpeTokenizer tokenizer(int vocab, long seed) {
        Random r = new Random(seed);
        List<TokenPair> merges = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        int ids = 256;
        while (ids < vocab - 2) {
            int a = r.nextInt(ids);
            int b = r.nextInt(Math.min(ids, 256));
            // Pairs of a byte or merge with a byte: every concatenation is new when (a, b) is new and a was made by
            // a distinct byte string, so each merge makes one new id.
            if (seen.add(((long) a << 32) | b)) {
                merges.add(new TokenPair(a, b));
                BpeTokenizer t = BpeTokenizer.fromMerges(merges);
                if (t.vocabSize() - 2 == ids + 1) {
                    ids++;
                } else {
                    merges.removeLast();
                }
            }
        }
        return BpeTokenizer.fromMerges(merges);
    }

    /** Adds tokenizer.json and jpeglm_profile.json to a checkpoint directory. */
    public static void addJpegLm(Path dir, BpeTokenizer tokenizer, JpegProfile profile) throws IOException {
        HfTokenizerJson.write(tokenizer, dir.resolve("tokenizer.json"));
        JpegProfileFile.write(dir.resolve("jpeglm_profile.json"), profile, null);
    }
}
