package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jpeglm.FileType;
import org.jpeglm.Model;
import org.jpeglm.Session;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.bpe.VocabEntry;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegTables;
import org.jpeglm.jpeg.Subsampling;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LlamaReference;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.RopeStyle;
import org.jpeglm.testing.SafetensorsTestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConvertFeaturesTest {
    static final LlamaConfig GQA = new LlamaConfig(300, 64, 2, 4, 2, 96, 512, 10000f, 1e-5f, false);

    @TempDir
    Path dir;

    Path checkpoint(LlamaWeights w, String dtype, int shards) throws IOException {
        Path ckpt = HfCheckpoints.write(dir.resolve("ckpt-" + System.nanoTime()), w, dtype, shards);
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(w.config().vocabSize(), 3), JpegProfile.PAPER);
        return ckpt;
    }

    Path convert(Path ckpt, String type) throws IOException {
        Path out = dir.resolve("out-" + System.nanoTime() + ".gguf");
        Converter.convert(Models.convert(ckpt, out, type).build());
        return out;
    }

    @Test
    void metadataHoldsEveryHyperParameterAndTheJpegLmSpec() throws IOException {
        LlamaWeights w = RandomLlama.create(GQA, 1);
        Path ckpt = checkpoint(w, "F32", 1);
        ObjectNode cfg = HfCheckpoints.config(GQA);
        cfg.put("_name_or_path", "/home/me/runs/jpeglm-tiny/");
        cfg.put("rope_theta", 250000.0);
        cfg.put("rms_norm_eps", 1e-6);
        Files.writeString(ckpt.resolve("config.json"), cfg.toString());
        Path out = convert(ckpt, "q8_0");
        try (GgufFile f = GgufFile.open(out)) {
            Map<String, GgufValue> m = f.metadata();
            assertEquals("llama", m.get("general.architecture").asString());
            assertEquals("jpeglm-tiny", m.get("general.name").asString());
            assertEquals(7, m.get("general.file_type").asLong(), "LLAMA_FTYPE_MOSTLY_Q8_0");
            assertEquals(GQA.vocabSize(), m.get("llama.vocab_size").asLong());
            assertEquals(GQA.contextLength(), m.get("llama.context_length").asLong());
            assertEquals(GQA.dim(), m.get("llama.embedding_length").asLong());
            assertEquals(GQA.layers(), m.get("llama.block_count").asLong());
            assertEquals(GQA.ffnDim(), m.get("llama.feed_forward_length").asLong());
            assertEquals(GQA.heads(), m.get("llama.attention.head_count").asLong());
            assertEquals(GQA.kvHeads(), m.get("llama.attention.head_count_kv").asLong());
            assertEquals(GQA.headDim(), m.get("llama.rope.dimension_count").asLong());
            assertEquals(250000f, m.get("llama.rope.freq_base").asFloat());
            assertEquals(1e-6f, m.get("llama.attention.layer_norm_rms_epsilon").asFloat());
            assertEquals("none", m.get("tokenizer.ggml.model").asString());
            assertFalse(m.containsKey("llama.rope.scaling.type"));

            JpegLmSpec spec = JpegLmSpec.fromMetadata(m);
            assertEquals(JpegProfile.PAPER, spec.profile());
            assertEquals(JpegTables.forQuality(25), spec.tables());
            assertEquals(HfTokenizerJson.read(ckpt.resolve("tokenizer.json")), spec.tokenizer());
        }
        // llama.cpp reads the same hyper-parameters.
        try (Model model = Model.load(out, Models.options())) {
            assertEquals(GQA.vocabSize(), model.vocabSize());
            assertEquals(GQA.layers(), model.layers());
            assertEquals(GQA.heads(), model.heads());
            assertEquals(GQA.kvHeads(), model.kvHeads());
            assertEquals(GQA.contextLength(), model.trainedContextLength());
        }
    }

    @Test
    void qAndKRowsArePermutedPerHeadAndEverythingElseIsCopied() throws IOException {
        LlamaWeights w = RandomLlama.create(GQA, 2);
        Path out = convert(checkpoint(w, "F32", 1), "f32");
        LlamaWeights gguf = w.permutedForGguf();
        try (GgufFile f = GgufFile.open(out)) {
            for (int i = 0; i < GQA.layers(); i++) {
                LlamaWeights.Layer hf = w.layers().get(i);
                LlamaWeights.Layer expected = gguf.layers().get(i);
                assertArrayEquals(expected.wq(), read(f, "blk." + i + ".attn_q.weight"));
                assertArrayEquals(expected.wk(), read(f, "blk." + i + ".attn_k.weight"));
                assertFalse(
                        java.util.Arrays.equals(hf.wq(), read(f, "blk." + i + ".attn_q.weight")), "Q must be permuted");
                assertArrayEquals(hf.wv(), read(f, "blk." + i + ".attn_v.weight"));
                assertArrayEquals(hf.wo(), read(f, "blk." + i + ".attn_output.weight"));
                assertArrayEquals(hf.wGate(), read(f, "blk." + i + ".ffn_gate.weight"));
                assertArrayEquals(hf.wUp(), read(f, "blk." + i + ".ffn_up.weight"));
                assertArrayEquals(hf.wDown(), read(f, "blk." + i + ".ffn_down.weight"));
                assertArrayEquals(hf.attnNorm(), read(f, "blk." + i + ".attn_norm.weight"));
                assertArrayEquals(hf.ffnNorm(), read(f, "blk." + i + ".ffn_norm.weight"));
                assertArrayEquals(
                        new long[] {GQA.dim(), GQA.kvDim()},
                        f.tensor("blk." + i + ".attn_k.weight").orElseThrow().shape());
            }
            assertArrayEquals(w.tokenEmbedding(), read(f, "token_embd.weight"));
            assertArrayEquals(w.output(), read(f, "output.weight"));
            assertArrayEquals(w.finalNorm(), read(f, "output_norm.weight"));
            assertArrayEquals(
                    new long[] {GQA.dim(), GQA.vocabSize()},
                    f.tensor("token_embd.weight").orElseThrow().shape());
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"F32, f32", "F32, f16", "F32, q8_0", "BF16, bf16", "BF16, f32", "F16, f16", "BF16, q8_0"})
    void smallChunksWriteTheSameFile(String dtype, String type) throws IOException {
        LlamaWeights w = RandomLlama.create(GQA, 3);
        Path ckpt = checkpoint(w, dtype, 2);
        Path big = convert(ckpt, type);
        int raw = TensorStreamer.rawChunk;
        int floats = TensorStreamer.floatChunk;
        try {
            TensorStreamer.rawChunk = 1000; // not a multiple of any row: several rows and partial ones per write
            TensorStreamer.floatChunk = 200; // fewer than one row of 300 values for some tensors
            Path small = convert(ckpt, type);
            assertArrayEquals(Files.readAllBytes(big), Files.readAllBytes(small));
        } finally {
            TensorStreamer.rawChunk = raw;
            TensorStreamer.floatChunk = floats;
        }
        // and the values are the checkpoint's, in the output type
        try (GgufFile f = GgufFile.open(big)) {
            float[] up = read(f, "blk.1.ffn_up.weight");
            float[] expected = SafetensorsTestWriter.rounded(w.layers().get(1).wUp(), dtype);
            GgmlType t = f.tensor("blk.1.ffn_up.weight").orElseThrow().type();
            double tol =
                    t == GgmlType.Q8_0 ? 2e-2 : t == GgmlType.F32 || t.name().equals(dtype) ? 0 : 1e-2;
            for (int i = 0; i < up.length; i++) {
                assertEquals(expected[i], up[i], tol * Math.max(1, Math.abs(expected[i])), "value " + i);
            }
        }
    }

    @Test
    void tiedCheckpointWithAStoredLmHeadAndOldInvFreqTensors() throws IOException {
        LlamaConfig tied = GQA.withTiedEmbeddings(true);
        LlamaWeights w = RandomLlama.create(tied, 4);
        Path ckpt = dir.resolve("tied");
        HfCheckpoints.write(ckpt, w, "F32", 1);
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(tied.vocabSize(), 3), JpegProfile.PAPER);
        List<SafetensorsTestWriter.Entry> entries = new ArrayList<>();
        for (HfCheckpoints.HfTensor t : HfCheckpoints.tensors(w)) {
            entries.add(SafetensorsTestWriter.Entry.of(t.name(), "F32", t.shape(), t.values()));
        }
        entries.add(SafetensorsTestWriter.Entry.of(
                "lm_head.weight", "F32", new long[] {tied.vocabSize(), tied.dim()}, w.tokenEmbedding()));
        entries.add(SafetensorsTestWriter.Entry.of(
                "model.layers.0.self_attn.rotary_emb.inv_freq", "F32", new long[] {8}, new float[8]));
        HfCheckpoints.writeWeights(ckpt, entries, 1);
        List<String> infos = new ArrayList<>();
        Path out = dir.resolve("tied.gguf");
        Converter.convert(ConvertOptions.builder(ckpt, out)
                .type(FileType.F32)
                .listener(new ConvertListener() {
                    @Override
                    public void info(String message) {
                        infos.add(message);
                    }
                })
                .build());
        assertTrue(infos.stream().anyMatch(s -> s.contains("lm_head.weight is skipped")), infos.toString());
        try (GgufFile f = GgufFile.open(out)) {
            assertTrue(f.tensor("output.weight").isEmpty());
            assertTrue(f.tensors().stream()
                    .noneMatch(t -> t.name().contains("inv_freq") || t.name().contains("rope")));
        }
        int[] tokens = Models.randomTokens(12, tied.vocabSize(), 5);
        float[] expected = new LlamaReference(w, RopeStyle.HALF).logits(tokens)[tokens.length - 1];
        assertTrue(Models.relativeError(Models.lastLogits(out, tokens), expected) < 1e-4);
    }

    @Test
    void q8RowsThatDoNotFillBlocksFallBackToF16() throws IOException {
        LlamaConfig odd = new LlamaConfig(300, 48, 2, 4, 2, 64, 256, 10000f, 1e-5f, false);
        LlamaWeights w = RandomLlama.create(odd, 6);
        Path ckpt = checkpoint(w, "F32", 1);
        Path out = dir.resolve("odd.gguf");
        ConvertResult r = Converter.convert(
                ConvertOptions.builder(ckpt, out).type(FileType.Q8_0).build());
        assertEquals(1, r.warnings().size(), r.warnings().toString());
        assertTrue(
                r.warnings().getFirst().contains("written as F16"), r.warnings().toString());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals(
                    GgmlType.F16, f.tensor("blk.0.attn_q.weight").orElseThrow().type()); // rows of 48
            assertEquals(
                    GgmlType.Q8_0,
                    f.tensor("blk.0.ffn_down.weight").orElseThrow().type()); // rows of 64
        }
        int[] tokens = Models.randomTokens(12, odd.vocabSize(), 7);
        float[] expected = new LlamaReference(w, RopeStyle.HALF).logits(tokens)[tokens.length - 1];
        assertTrue(Models.relativeError(Models.lastLogits(out, tokens), expected) < 5e-2);
    }

    @Test
    void ropeScalingLinearAndYarnBecomeMetadata() throws IOException {
        LlamaWeights w = RandomLlama.create(GQA, 7);
        Path ckpt = checkpoint(w, "F32", 1);
        ObjectNode cfg = HfCheckpoints.config(GQA);
        cfg.putObject("rope_scaling").put("type", "linear").put("factor", 4.0);
        Files.writeString(ckpt.resolve("config.json"), cfg.toString());
        Path linear = convert(ckpt, "f32");
        try (GgufFile f = GgufFile.open(linear)) {
            assertEquals(
                    "linear", f.get("llama.rope.scaling.type").orElseThrow().asString());
            assertEquals(4f, f.get("llama.rope.scaling.factor").orElseThrow().asFloat());
        }
        cfg.putObject("rope_scaling")
                .put("rope_type", "yarn")
                .put("factor", 2.0)
                .put("original_max_position_embeddings", 128)
                .put("beta_fast", 32.0)
                .put("beta_slow", 1.0);
        Files.writeString(ckpt.resolve("config.json"), cfg.toString());
        Path yarn = convert(ckpt, "f32");
        try (GgufFile f = GgufFile.open(yarn)) {
            assertEquals("yarn", f.get("llama.rope.scaling.type").orElseThrow().asString());
            assertEquals(2f, f.get("llama.rope.scaling.factor").orElseThrow().asFloat());
            assertEquals(
                    128,
                    f.get("llama.rope.scaling.original_context_length")
                            .orElseThrow()
                            .asLong());
            assertEquals(
                    32f,
                    f.get("llama.rope.scaling.yarn_beta_fast").orElseThrow().asFloat());
            assertEquals(
                    1f, f.get("llama.rope.scaling.yarn_beta_slow").orElseThrow().asFloat());
            assertFalse(f.get("llama.rope.scaling.yarn_ext_factor").isPresent());
        }
        // With scaling the logits differ from the unscaled reference at later positions: llama.cpp uses the keys.
        int[] tokens = Models.randomTokens(20, GQA.vocabSize(), 8);
        float[] plain = new LlamaReference(w, RopeStyle.HALF).logits(tokens)[tokens.length - 1];
        assertTrue(
                Models.relativeError(Models.lastLogits(linear, tokens), plain) > 1e-3, "linear scaling has an effect");
        assertTrue(Models.relativeError(Models.lastLogits(yarn, tokens), plain) > 1e-3, "yarn scaling has an effect");
    }

    @Test
    void llama3RopeScalingBecomesRopeFreqs() throws IOException {
        LlamaConfig c = new LlamaConfig(300, 128, 2, 2, 1, 96, 512, 500000f, 1e-5f, false); // head dim 64
        LlamaWeights w = RandomLlama.create(c, 9);
        Path ckpt = checkpoint(w, "F32", 1);
        ObjectNode cfg = HfCheckpoints.config(c);
        cfg.putObject("rope_scaling")
                .put("rope_type", "llama3")
                .put("factor", 8.0)
                .put("low_freq_factor", 1.0)
                .put("high_freq_factor", 4.0)
                .put("original_max_position_embeddings", 64);
        Files.writeString(ckpt.resolve("config.json"), cfg.toString());
        Path out = convert(ckpt, "f32");
        float[] freqs;
        try (GgufFile f = GgufFile.open(out)) {
            assertFalse(f.get("llama.rope.scaling.type").isPresent());
            freqs = read(f, "rope_freqs.weight");
        }
        // llama.cpp's convert_hf_to_gguf.py, written out: wavelengths below 64/4 keep factor 1, above 64/1 get 8.
        assertEquals(32, freqs.length);
        for (int i = 0; i < 32; i++) {
            double wavelen = 2 * Math.PI * Math.pow(500000, 2.0 * i / 64);
            double expected = wavelen < 16
                    ? 1
                    : wavelen > 64 ? 8 : 1 / ((1 - (64 / wavelen - 1) / 3) / 8 + (64 / wavelen - 1) / 3);
            assertEquals(expected, freqs[i], 1e-5 * expected, "factor " + i);
        }
        assertEquals(1f, freqs[0]);
        assertEquals(8f, freqs[31]);
        int[] tokens = Models.randomTokens(20, c.vocabSize(), 8);
        float[] plain = new LlamaReference(w, RopeStyle.HALF).logits(tokens)[tokens.length - 1];
        float[] got = Models.lastLogits(out, tokens);
        double err = Models.relativeError(got, plain);
        assertTrue(err > 1e-4 && err < 1, "rope_freqs is used, and the model still runs sanely: " + err);
    }

    @Test
    void tokenizerConfigNamesBosAndEos() throws IOException {
        LlamaWeights w = RandomLlama.create(GQA, 10);
        Path ckpt = checkpoint(w, "F32", 1);
        BpeTokenizer t = HfCheckpoints.tokenizer(GQA.vocabSize(), 4);
        List<VocabEntry> vocab = new ArrayList<>(t.vocabulary());
        vocab.set(t.bosId(), new VocabEntry.Special("<|begin|>"));
        vocab.set(t.eosId(), new VocabEntry.Special("<|end|>"));
        BpeTokenizer renamed = BpeTokenizer.of(vocab, t.merges(), t.bosId(), t.eosId(), false);
        HfTokenizerJson.write(renamed, ckpt.resolve("tokenizer.json"));
        Files.writeString(
                ckpt.resolve("tokenizer_config.json"),
                "{\"bos_token\": \"<|begin|>\", \"eos_token\": {\"content\": \"<|end|>\", \"special\": true}}");
        Path out = convert(ckpt, "f16");
        try (GgufFile f = GgufFile.open(out)) {
            JpegLmSpec spec = JpegLmSpec.fromMetadata(f.metadata());
            assertEquals(renamed, spec.tokenizer());
            assertEquals(t.bosId(), spec.tokenizer().bosId());
            assertEquals(t.eosId(), spec.tokenizer().eosId());
        }
    }

    @Test
    void tokenizerAndProfileFromAnotherModelAndProfileOverrides() throws IOException {
        LlamaWeights w = RandomLlama.create(GQA, 11);
        Path first = checkpoint(w, "F32", 1);
        JpegTables q60 = JpegTables.forQuality(60);
        Path tablesJpeg = dir.resolve("tables.jpg");
        Files.write(tablesJpeg, q60.toTablesOnlyJpeg());
        Files.writeString(first.resolve("jpeglm_profile.json"), """
                {"format": "jpeglm-profile", "version": 1, "_comment": "gray 128x64",
                 "quality": 60, "subsampling": "gray", "restart_interval": 2, "width": 128, "height": 64,
                 "tables_file": "../tables.jpg"}
                """);
        Path model = convert(first, "f16");
        JpegLmSpec spec = TokenizerFiles.readSpec(model);
        assertEquals(new JpegProfile(60, Subsampling.GRAY, 2, 128, 64), spec.profile());
        assertEquals(q60, spec.tables());

        // A bare checkpoint takes tokenizer and profile from that model, with two fields overridden.
        Path bare = HfCheckpoints.write(dir.resolve("bare"), w, "F32", 1);
        Path out = dir.resolve("bare.gguf");
        Converter.convert(ConvertOptions.builder(bare, out)
                .type(FileType.F16)
                .jpegLm(new JpegLmSources(
                        TokenizerSource.file(model),
                        ProfileSource.gguf(model),
                        new JpegProfileFile.Fields(30, null, null, 256, 256, null, null)))
                .build());
        JpegLmSpec second = TokenizerFiles.readSpec(out);
        assertEquals(spec.tokenizer(), second.tokenizer());
        assertEquals(new JpegProfile(30, Subsampling.GRAY, 2, 256, 256), second.profile());
        assertEquals(JpegTables.forQuality(30), second.tables(), "a new quality brings its own tables");

        // the paper's profile
        Converter.convert(ConvertOptions.builder(bare, out)
                .replaceExisting(true)
                .tokenizer(TokenizerSource.file(model))
                .profile(ProfileSource.paper())
                .build());
        assertEquals(JpegProfile.PAPER, TokenizerFiles.readSpec(out).profile());
    }

    @Test
    void plainFilesHaveNoJpegLmKeysAndSaySo() throws IOException {
        LlamaWeights w = RandomLlama.create(GQA, 12);
        Path bare = HfCheckpoints.write(dir.resolve("bare"), w, "BF16", 1);
        Path out = dir.resolve("plain.gguf");
        ConvertResult r =
                Converter.convert(ConvertOptions.builder(bare, out).plain(true).build());
        assertFalse(r.jpegLm());
        assertEquals(FileType.BF16, r.type(), "auto keeps a BF16 checkpoint BF16");
        assertTrue(
                r.warnings().stream().anyMatch(s -> s.contains("plain llama GGUF")),
                r.warnings().toString());
        try (GgufFile f = GgufFile.open(out)) {
            assertTrue(f.metadata().keySet().stream().noneMatch(k -> k.startsWith("jpeglm.")));
        }
        try (Model m = Model.load(out, Models.options());
                Session s = m.newSession(Models.exact(64))) {
            s.sequence(0).feed(new int[] {1, 2, 3});
            assertTrue(s.sequence(0).step() >= 0);
        }
    }

    static float[] read(GgufFile f, String name) {
        return f.readFloats(f.tensor(name).orElseThrow());
    }
}
