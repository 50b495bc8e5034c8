package org.jpeglm.convert;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jpeglm.convert.safetensors.SafetensorsDType;
import org.jpeglm.gguf.GgmlType;

/**
 * Which GGUF tensor each Hugging Face Llama tensor becomes, with its type, shape and Q/K row permutation; and the
 * checks that the checkpoint holds exactly the tensors its config implies, in shapes and dtypes the converter reads.
 *
 * <table>
 *   <caption>Tensor names (N = layer)</caption>
 *   <tr><th>Hugging Face</th><th>GGUF</th><th>note</th></tr>
 *   <tr><td>model.embed_tokens.weight</td><td>token_embd.weight</td><td></td></tr>
 *   <tr><td>model.layers.N.input_layernorm.weight</td><td>blk.N.attn_norm.weight</td><td>F32</td></tr>
 *   <tr><td>model.layers.N.self_attn.q_proj.weight</td><td>blk.N.attn_q.weight</td><td>rows permuted per head</td></tr>
 *   <tr><td>model.layers.N.self_attn.k_proj.weight</td><td>blk.N.attn_k.weight</td><td>rows permuted per KV head</td></tr>
 *   <tr><td>model.layers.N.self_attn.v_proj.weight</td><td>blk.N.attn_v.weight</td><td></td></tr>
 *   <tr><td>model.layers.N.self_attn.o_proj.weight</td><td>blk.N.attn_output.weight</td><td></td></tr>
 *   <tr><td>model.layers.N.post_attention_layernorm.weight</td><td>blk.N.ffn_norm.weight</td><td>F32</td></tr>
 *   <tr><td>model.layers.N.mlp.gate_proj.weight</td><td>blk.N.ffn_gate.weight</td><td></td></tr>
 *   <tr><td>model.layers.N.mlp.up_proj.weight</td><td>blk.N.ffn_up.weight</td><td></td></tr>
 *   <tr><td>model.layers.N.mlp.down_proj.weight</td><td>blk.N.ffn_down.weight</td><td></td></tr>
 *   <tr><td>model.norm.weight</td><td>output_norm.weight</td><td>F32</td></tr>
 *   <tr><td>lm_head.weight</td><td>output.weight</td><td>absent (and skipped) with tied embeddings</td></tr>
 *   <tr><td>(computed)</td><td>rope_freqs.weight</td><td>F32, Llama 3 RoPE scaling only</td></tr>
 * </table>
 *
 * <p>{@code model.layers.N.self_attn.rotary_emb.inv_freq} (older transformers saved it) is ignored.
 */
public final class LlamaTensorPlan {
    private LlamaTensorPlan() {}

    private static final Pattern IGNORED = Pattern.compile("model\\.layers\\.\\d+\\.self_attn\\.rotary_emb\\.inv_freq");

    /**
     * One GGUF tensor to write.
     *
     * @param name         its GGUF name
     * @param type         its GGUF type
     * @param shape        its GGUF shape, innermost first (the HF shape reversed)
     * @param source       where its values come from, or null for {@code values}
     * @param permuteHeads for Q/K: the number of heads whose rows are reordered from HF's rotate-half layout to
     *                     GGUF's interleaved one; 0 for no reordering
     * @param values       computed values (rope_freqs), or null
     */
    public record Planned(
            String name, GgmlType type, long[] shape, Checkpoint.Source source, int permuteHeads, float[] values) {
        /** Rows of the HF matrix (1 for a vector). */
        public long rows() {
            return shape.length == 1 ? 1 : shape[1];
        }

        /** Values per row. */
        public long cols() {
            return shape[0];
        }

        public long byteSize() {
            return type.rowBytes(shape[0]) * (shape.length == 1 ? 1 : shape[1]);
        }
    }

    /**
     * One tensor of the layout a config implies.
     *
     * @param hf           its Hugging Face name
     * @param gguf         its GGUF name
     * @param hfShape      its Hugging Face shape, outermost first ({@code [out, in]} for a matrix)
     * @param permuteHeads heads whose rows are permuted (Q and K), else 0
     */
    public record Expected(String hf, String gguf, long[] hfShape, int permuteHeads) {
        /** The GGUF shape: innermost first. */
        public long[] ggufShape() {
            return reversed(hfShape);
        }
    }

    /**
     * The tensors to write for checkpoint, matrices as matrixType (F32, F16, BF16 or Q8_0; a matrix whose rows do
     * not fill Q8_0 blocks is written F16, with a warning), vectors as F32.
     *
     * @throws CheckpointException naming a missing, unexpected, misshapen or unreadable tensor
     */
    public static List<Planned> plan(Checkpoint checkpoint, GgmlType matrixType, ConvertListener listener)
            throws CheckpointException {
        HfLlamaConfig c = checkpoint.config();
        List<Expected> expected = expected(c);
        Map<String, Checkpoint.Source> tensors = checkpoint.tensors();
        Set<String> used = new HashSet<>();
        List<String> missing = new ArrayList<>();
        for (Expected e : expected) {
            if (tensors.containsKey(e.hf())) {
                used.add(e.hf());
            } else {
                missing.add(e.hf());
            }
        }
        if (c.tiedEmbeddings() && tensors.containsKey("lm_head.weight")) {
            used.add("lm_head.weight");
            listener.info(
                    "tie_word_embeddings is true: lm_head.weight is skipped (llama.cpp reuses token_embd.weight)");
        }
        List<String> unexpected = new ArrayList<>();
        for (String name : tensors.keySet()) {
            if (!used.contains(name) && !IGNORED.matcher(name).matches()) {
                unexpected.add(name);
            }
        }
        if (!missing.isEmpty()) {
            throw new CheckpointException("missing tensor" + (missing.size() > 1 ? "s " : " ") + list(missing)
                    + " (config.json says " + c.layers() + " layers"
                    + (c.tiedEmbeddings() ? ", tied embeddings" : ", untied embeddings")
                    + ")");
        }
        if (!unexpected.isEmpty()) {
            throw new CheckpointException("unexpected tensor" + (unexpected.size() > 1 ? "s " : " ") + list(unexpected)
                    + ": not part of a Llama model with " + c.layers()
                    + " layers and no biases as config.json describes");
        }
        List<Planned> out = new ArrayList<>();
        boolean warnedQ8 = false;
        for (Expected e : expected) {
            Checkpoint.Source s = tensors.get(e.hf());
            SafetensorsDType dt = s.tensor().dtype();
            if (dt != SafetensorsDType.F32 && dt != SafetensorsDType.F16 && dt != SafetensorsDType.BF16) {
                throw new CheckpointException("unsupported dtype " + dt + " of tensor '" + e.hf() + "' in "
                        + s.file().path().getFileName() + ": the converter reads F32, F16 and BF16 weights");
            }
            if (!Arrays.equals(s.tensor().shape(), e.hfShape())) {
                throw new CheckpointException("shape mismatch: tensor '" + e.hf() + "' has shape "
                        + s.tensor().shapeString() + " but config.json implies " + Arrays.toString(e.hfShape()) + " ("
                        + describe(c) + ")");
            }
            long[] shape = reversed(e.hfShape());
            GgmlType type;
            if (shape.length == 1) {
                type = GgmlType.F32;
            } else if (matrixType == GgmlType.Q8_0 && shape[0] % 32 != 0) {
                type = GgmlType.F16;
                if (!warnedQ8) {
                    listener.warning(
                            "rows of " + shape[0] + " values do not fill Q8_0 blocks of 32: such tensors (first: "
                                    + e.gguf() + ") are written as F16");
                    warnedQ8 = true;
                }
            } else {
                type = matrixType;
            }
            out.add(new Planned(e.gguf(), type, shape, s, e.permuteHeads(), null));
            if (e.gguf().equals("token_embd.weight") && c.ropeScaling().type() == RopeScaling.Type.LLAMA3) {
                float[] factors = c.ropeScaling().llama3Factors(c.ropeTheta(), c.headDim());
                out.add(new Planned("rope_freqs.weight", GgmlType.F32, new long[] {factors.length}, null, 0, factors));
            }
        }
        return out;
    }

    /** Every tensor a Llama model of config c has (no rope_freqs), in the order they are written. */
    public static List<Expected> expected(HfLlamaConfig c) {
        long dim = c.hiddenSize();
        long q = (long) c.heads() * c.headDim();
        long kv = c.kvDim();
        long ffn = c.intermediateSize();
        long vocab = c.vocabSize();
        List<Expected> list = new ArrayList<>();
        list.add(new Expected("model.embed_tokens.weight", "token_embd.weight", new long[] {vocab, dim}, 0));
        for (int i = 0; i < c.layers(); i++) {
            String h = "model.layers." + i + ".";
            String g = "blk." + i + ".";
            list.add(new Expected(h + "input_layernorm.weight", g + "attn_norm.weight", new long[] {dim}, 0));
            list.add(new Expected(h + "self_attn.q_proj.weight", g + "attn_q.weight", new long[] {q, dim}, c.heads()));
            list.add(new Expected(
                    h + "self_attn.k_proj.weight", g + "attn_k.weight", new long[] {kv, dim}, c.kvHeads()));
            list.add(new Expected(h + "self_attn.v_proj.weight", g + "attn_v.weight", new long[] {kv, dim}, 0));
            list.add(new Expected(h + "self_attn.o_proj.weight", g + "attn_output.weight", new long[] {dim, q}, 0));
            list.add(new Expected(h + "post_attention_layernorm.weight", g + "ffn_norm.weight", new long[] {dim}, 0));
            list.add(new Expected(h + "mlp.gate_proj.weight", g + "ffn_gate.weight", new long[] {ffn, dim}, 0));
            list.add(new Expected(h + "mlp.up_proj.weight", g + "ffn_up.weight", new long[] {ffn, dim}, 0));
            list.add(new Expected(h + "mlp.down_proj.weight", g + "ffn_down.weight", new long[] {dim, ffn}, 0));
        }
        list.add(new Expected("model.norm.weight", "output_norm.weight", new long[] {dim}, 0));
        if (!c.tiedEmbeddings()) {
            list.add(new Expected("lm_head.weight", "output.weight", new long[] {vocab, dim}, 0));
        }
        return list;
    }

    /** The dtypes of the tensors plan will read, by count. */
    public static Map<SafetensorsDType, Integer> sourceDtypes(List<Planned> plan) {
        Map<SafetensorsDType, Integer> m = new LinkedHashMap<>();
        for (Planned p : plan) {
            if (p.source() != null && p.shape().length == 2) {
                m.merge(p.source().tensor().dtype(), 1, Integer::sum);
            }
        }
        return m;
    }

    private static String describe(HfLlamaConfig c) {
        return "vocab_size " + c.vocabSize() + ", hidden_size " + c.hiddenSize() + ", intermediate_size "
                + c.intermediateSize() + ", " + c.heads() + " heads, " + c.kvHeads() + " KV heads";
    }

    private static long[] reversed(long[] a) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[a.length - 1 - i];
        }
        return r;
    }

    private static String list(List<String> names) {
        List<String> shown = names.subList(0, Math.min(5, names.size()));
        String s = "'" + String.join("', '", shown) + "'";
        return names.size() > shown.size() ? s + " and " + (names.size() - shown.size()) + " more" : s;
    }
}
