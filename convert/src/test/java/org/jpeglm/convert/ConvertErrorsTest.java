package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jpeglm.FileType;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;
import org.jpeglm.testing.HfCheckpoints;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.SafetensorsTestWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input is refused with a message that names the problem, and leaves no output file (nor any
 * temporary file) behind.
 */
class ConvertErrorsTest {
    static final LlamaConfig CONFIG = new LlamaConfig(300, 64, 2, 4, 2, 96, 128, 10000f, 1e-5f, false);

    @TempDir
    Path dir;

    Path ckpt;
    Path outDir;
    LlamaWeights weights;

    @BeforeEach
    void writeCheckpoint() throws IOException {
        weights = RandomLlama.create(CONFIG, 5);
        ckpt = HfCheckpoints.write(dir.resolve("ckpt"), weights, "F32", 1);
        HfCheckpoints.addJpegLm(ckpt, HfCheckpoints.tokenizer(CONFIG.vocabSize(), 1), JpegProfile.PAPER);
        outDir = Files.createDirectories(dir.resolve("out"));
    }

    // ---- the checkpoint directory

    @Test
    void missingDirectory() {
        assertRefused(options().input(dir.resolve("nowhere")), "checkpoint directory", "does not exist");
    }

    @Test
    void missingConfig() throws IOException {
        Files.delete(ckpt.resolve("config.json"));
        assertRefused(options(), "missing config.json", ckpt.toString());
    }

    @Test
    void configNotJson() throws IOException {
        Files.writeString(ckpt.resolve("config.json"), "{\"hidden_size\": 64,");
        assertRefused(options(), "config.json is not valid JSON");
    }

    @Test
    void configLacksAKey() throws IOException {
        editConfig(c -> c.remove("intermediate_size"));
        assertRefused(options(), "lacks 'intermediate_size'");
    }

    @Test
    void noWeights() throws IOException {
        Files.delete(ckpt.resolve("model.safetensors"));
        assertRefused(options(), "no weights", "model.safetensors");
    }

    @Test
    void onlyPytorchWeights() throws IOException {
        Files.delete(ckpt.resolve("model.safetensors"));
        Files.write(ckpt.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        assertRefused(options(), "pytorch_model.bin", "safe_serialization=True");
    }

    @Test
    void missingShard() throws IOException {
        Path sharded = HfCheckpoints.write(dir.resolve("series"), weights, "F32", -3);
        HfCheckpoints.addJpegLm(sharded, HfCheckpoints.tokenizer(CONFIG.vocabSize(), 1), JpegProfile.PAPER);
        Files.delete(sharded.resolve("model-00002-of-00003.safetensors"));
        assertRefused(options().input(sharded), "missing shard", "model-00002-of-00003.safetensors");
    }

    @Test
    void indexNamesAMissingShard() throws IOException {
        Path sharded = HfCheckpoints.write(dir.resolve("indexed"), weights, "F32", 3);
        HfCheckpoints.addJpegLm(sharded, HfCheckpoints.tokenizer(CONFIG.vocabSize(), 1), JpegProfile.PAPER);
        Files.delete(sharded.resolve("model-00003-of-00003.safetensors"));
        assertRefused(
                options().input(sharded),
                "missing shard",
                "model.safetensors.index.json names model-00003-of-00003.safetensors");
    }

    @Test
    void indexPutsATensorInTheWrongShard() throws IOException {
        Path sharded = HfCheckpoints.write(dir.resolve("indexed"), weights, "F32", 2);
        HfCheckpoints.addJpegLm(sharded, HfCheckpoints.tokenizer(CONFIG.vocabSize(), 1), JpegProfile.PAPER);
        Path index = sharded.resolve("model.safetensors.index.json");
        ObjectNode root = (ObjectNode) SafetensorsTestWriter.MAPPER.readTree(index.toFile());
        String wrong = root.get("weight_map").get("model.norm.weight").asText().contains("00001")
                ? "model-00002-of-00002.safetensors"
                : "model-00001-of-00002.safetensors";
        ((ObjectNode) root.get("weight_map")).put("model.norm.weight", wrong);
        Files.writeString(index, root.toString());
        assertRefused(
                options().input(sharded),
                "puts tensor 'model.norm.weight' in " + wrong + ", but that shard has no such tensor");
    }

    @Test
    void indexEscapingTheDirectory() throws IOException {
        Path sharded = HfCheckpoints.write(dir.resolve("indexed"), weights, "F32", 2);
        Path index = sharded.resolve("model.safetensors.index.json");
        Files.writeString(
                index,
                Files.readString(index).replace("model-00001-of-00002.safetensors", "../ckpt/model.safetensors"));
        assertRefused(options().input(sharded), "not a file inside");
    }

    // ---- corrupt safetensors headers, through the converter

    @Test
    void corruptHeaderLength() throws IOException {
        Path f = ckpt.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(f);
        bytes[7] = 0x7F; // the top byte of the length
        Files.write(f, bytes);
        assertRefused(options(), "model.safetensors", "bad header length");
    }

    @Test
    void overlappingOffsets() throws IOException {
        rewriteHeader(h -> {
            long end = h.get("model.embed_tokens.weight")
                    .get("data_offsets")
                    .get(1)
                    .asLong();
            ObjectNode t = (ObjectNode) h.get("model.norm.weight");
            t.putArray("data_offsets").add(end - 8).add(end - 8 + 4L * CONFIG.dim());
        });
        assertRefused(options(), "overlapping tensors", "model.norm.weight");
    }

    @Test
    void outOfRangeOffsets() throws IOException {
        rewriteHeader(h -> ((ObjectNode) h.get("model.norm.weight"))
                .putArray("data_offsets")
                .add(1L << 40)
                .add((1L << 40) + 4L * CONFIG.dim()));
        assertRefused(options(), "tensor 'model.norm.weight'", "out of range");
    }

    @Test
    void shapeDtypeAndByteRangeDisagree() throws IOException {
        rewriteHeader(h -> ((ObjectNode) h.get("model.norm.weight")).put("dtype", "F16"));
        assertRefused(
                options(),
                "tensor 'model.norm.weight' has shape [64] of F16, which is 128 bytes, but its data_offsets");
    }

    // ---- tensors that do not fit the config

    @Test
    void shapeMismatch() throws IOException {
        editConfig(c -> c.put("intermediate_size", 128));
        assertRefused(options(), "shape mismatch", "model.layers.0.mlp.gate_proj.weight", "[96, 64]", "[128, 64]");
    }

    @Test
    void missingTensor() throws IOException {
        List<SafetensorsTestWriter.Entry> entries = entries();
        entries.removeIf(e -> e.name().equals("model.layers.1.mlp.up_proj.weight"));
        HfCheckpoints.writeWeights(ckpt, entries, 1);
        assertRefused(options(), "missing tensor 'model.layers.1.mlp.up_proj.weight'");
    }

    @Test
    void tooFewLayersInTheConfig() throws IOException {
        editConfig(c -> c.put("num_hidden_layers", 1));
        assertRefused(options(), "unexpected tensors 'model.layers.1.");
    }

    /** config.json shapes llama.cpp cannot load are refused by key before any tensor is read. */
    @Test
    void dimensionsBeyondWhatLlamaCppLoads() throws IOException {
        editConfig(c -> c.put("num_hidden_layers", 100_000));
        assertRefused(options(), "'num_hidden_layers' must be 1 to 512 (the most llama.cpp loads), got 100000");
        editConfig(c -> c.put("num_hidden_layers", 2).put("hidden_size", 1 << 21));
        assertRefused(options(), "'hidden_size' must be 1 to 1048576");
        editConfig(c -> c.put("hidden_size", 64).put("num_key_value_heads", 70_000));
        assertRefused(options(), "'num_key_value_heads' must be 1 to 65536");
        editConfig(c -> c.put("num_key_value_heads", 2).put("intermediate_size", 1 << 25));
        assertRefused(options(), "'intermediate_size' must be 1 to 16777216");
        editConfig(c -> c.put("intermediate_size", 96).put("max_position_embeddings", 1 << 21));
        assertRefused(options(), "'max_position_embeddings' must be 1 to 1048576");
        editConfig(c -> c.put("max_position_embeddings", 128).put("rope_theta", 1e13));
        assertRefused(options(), "'rope_theta' must be at most 1.0E12");
        editConfig(c -> c.put("rope_theta", 10000.0).put("rms_norm_eps", 1.5));
        assertRefused(options(), "'rms_norm_eps' must be below 1");
    }

    @Test
    void unexpectedBiasTensor() throws IOException {
        List<SafetensorsTestWriter.Entry> entries = entries();
        entries.add(SafetensorsTestWriter.Entry.of(
                "model.layers.0.self_attn.q_proj.bias", "F32", new long[] {64}, new float[64]));
        HfCheckpoints.writeWeights(ckpt, entries, 1);
        assertRefused(options(), "unexpected tensor 'model.layers.0.self_attn.q_proj.bias'");
    }

    @Test
    void unsupportedDtypes() throws IOException {
        for (String dtype : new String[] {"I64", "F8_E4M3", "F64"}) {
            List<SafetensorsTestWriter.Entry> entries = new ArrayList<>();
            for (SafetensorsTestWriter.Entry e : entries()) {
                if (e.name().equals("model.norm.weight")) {
                    int size = switch (dtype) {
                        case "F8_E4M3" -> 1;
                        default -> 8;
                    };
                    entries.add(
                            SafetensorsTestWriter.Entry.of(e.name(), dtype, e.shape(), new byte[size * CONFIG.dim()]));
                } else {
                    entries.add(e);
                }
            }
            HfCheckpoints.writeWeights(ckpt, entries, 1);
            assertRefused(options(), "unsupported dtype " + dtype, "model.norm.weight", "F32, F16 and BF16");
        }
    }

    // ---- architectures and hyper-parameters

    @Test
    void mixtral() throws IOException {
        editConfig(c -> {
            c.putArray("architectures").add("MixtralForCausalLM");
            c.put("model_type", "mixtral");
            c.put("num_local_experts", 8);
        });
        assertRefused(options(), "unsupported architecture MixtralForCausalLM", "mixture-of-experts");
    }

    @Test
    void llamaClassWithMixtralModelType() throws IOException {
        editConfig(c -> c.put("model_type", "mixtral"));
        assertRefused(options(), "unsupported model_type 'mixtral'");
    }

    @Test
    void llamaWithExperts() throws IOException {
        editConfig(c -> c.put("num_experts", 4));
        assertRefused(options(), "num_experts = 4", "mixture-of-experts");
    }

    @Test
    void mistralSlidingWindow() throws IOException {
        editConfig(c -> {
            c.putArray("architectures").add("MistralForCausalLM");
            c.put("model_type", "mistral");
            c.put("sliding_window", 4096);
        });
        assertRefused(options(), "MistralForCausalLM", "sliding-window attention (sliding_window = 4096)");
    }

    @Test
    void otherArchitecture() throws IOException {
        editConfig(c -> {
            c.putArray("architectures").add("Qwen2ForCausalLM");
            c.put("model_type", "qwen2");
        });
        assertRefused(options(), "unsupported architecture Qwen2ForCausalLM");
        editConfig(c -> c.putArray("architectures").add("FalconForCausalLM"));
        assertRefused(options(), "unsupported architecture FalconForCausalLM", "LlamaForCausalLM");
    }

    @Test
    void biasesActivationAndHeadDim() throws IOException {
        editConfig(c -> c.put("attention_bias", true));
        assertRefused(options(), "attention_bias is true");
        editConfig(c -> c.put("attention_bias", false).put("hidden_act", "gelu"));
        assertRefused(options(), "hidden_act is 'gelu'");
        editConfig(c -> c.put("hidden_act", "silu").put("head_dim", 32));
        assertRefused(options(), "head_dim 32 differs");
    }

    @Test
    void unsupportedRopeScaling() throws IOException {
        editConfig(c -> c.putObject("rope_scaling").put("type", "dynamic").put("factor", 2.0));
        assertRefused(options(), "unsupported rope_scaling type 'dynamic'", "linear, yarn, llama3");
        editConfig(c -> c.putObject("rope_scaling").put("rope_type", "longrope").put("factor", 2.0));
        assertRefused(options(), "unsupported rope_scaling type 'longrope'");
        editConfig(c -> c.putObject("rope_scaling").put("rope_type", "wobbly"));
        assertRefused(options(), "unsupported rope_scaling type 'wobbly'");
        editConfig(c -> c.putObject("rope_scaling").put("rope_type", "linear"));
        assertRefused(options(), "lacks 'factor'");
    }

    // ---- tokenizer, profile, output

    @Test
    void noTokenizerNorProfileWithoutPlain() throws IOException {
        Files.delete(ckpt.resolve("tokenizer.json"));
        Files.delete(ckpt.resolve("jpeglm_profile.json"));
        CheckpointException e =
                assertRefused(options(), "no tokenizer.json and no jpeglm_profile.json", "neither was given", "plain");
        assertEquals(CheckpointException.Kind.NO_TOKENIZER_NOR_PROFILE, e.kind());
    }

    @Test
    void noProfile() throws IOException {
        Files.delete(ckpt.resolve("jpeglm_profile.json"));
        CheckpointException e = assertRefused(options(), "no JPEG profile", "no profile was given", "the paper's");
        assertEquals(CheckpointException.Kind.NO_PROFILE, e.kind());
    }

    @Test
    void noTokenizer() throws IOException {
        Files.delete(ckpt.resolve("tokenizer.json"));
        CheckpointException e = assertRefused(options(), "no tokenizer", "no tokenizer was given");
        assertEquals(CheckpointException.Kind.NO_TOKENIZER, e.kind());
    }

    @Test
    void overridesCompleteAMissingProfileOrNameWhatIsMissing() throws IOException {
        Files.delete(ckpt.resolve("jpeglm_profile.json"));
        CheckpointException e = assertRefused(
                options().profileOverrides(new JpegProfileFile.Fields(25, Subsampling.S420, 1, 64, null, null, null)),
                "the JPEG profile (the overrides) lacks 'height'");
        assertEquals(CheckpointException.Kind.INCOMPLETE_PROFILE, e.kind());
        Converter.convert(options()
                .profileOverrides(new JpegProfileFile.Fields(25, Subsampling.S420, 1, 64, 32, null, null))
                .build());
        assertEquals(
                new JpegProfile(25, Subsampling.S420, 1, 64, 32),
                TokenizerFiles.readSpec(outDir.resolve("model.gguf")).profile());
    }

    @Test
    void givenTokenizerAndProfileFieldsNeedNoFiles() throws IOException {
        Files.delete(ckpt.resolve("tokenizer.json"));
        Files.delete(ckpt.resolve("jpeglm_profile.json"));
        BpeTokenizer tokenizer = HfCheckpoints.tokenizer(CONFIG.vocabSize(), 1);
        Converter.convert(options()
                .jpegLm(new JpegLmSources(
                        TokenizerSource.of(tokenizer),
                        ProfileSource.of(JpegProfileFile.paper()),
                        JpegProfileFile.Fields.EMPTY))
                .build());
        JpegLmSpec spec = TokenizerFiles.readSpec(outDir.resolve("model.gguf"));
        assertEquals(tokenizer, spec.tokenizer());
        assertEquals(JpegProfile.PAPER, spec.profile());
    }

    @Test
    void tokenizerLargerThanTheVocabulary() throws IOException {
        org.jpeglm.bpe.HfTokenizerJson.write(HfCheckpoints.tokenizer(400, 2), ckpt.resolve("tokenizer.json"));
        assertRefused(options(), "has 400 tokens but the model's vocab_size is 300");
    }

    @Test
    void tokenizerWithoutBosEos() throws IOException {
        org.jpeglm.bpe.HfTokenizerJson.write(
                org.jpeglm.bpe.BpeTokenizer.fromMerges(List.of(), null, null), ckpt.resolve("tokenizer.json"));
        assertRefused(options(), "needs BOS and EOS");
    }

    @Test
    void badProfiles() throws IOException {
        Path p = ckpt.resolve("jpeglm_profile.json");
        Files.writeString(
                p,
                "{\"quality\": 25, \"subsampling\": \"4:2:0\", \"restart_interval\": 1, \"width\": 256, \"height\": 256, \"qualty\": 3}");
        assertRefused(options(), "unknown key 'qualty'");
        Files.writeString(p, "{\"quality\": 25, \"subsampling\": \"4:2:0\", \"restart_interval\": 1, \"height\": 256}");
        assertEquals(
                CheckpointException.Kind.INCOMPLETE_PROFILE,
                assertRefused(options(), "lacks 'width'").kind());
        Files.writeString(
                p,
                "{\"quality\": 250, \"subsampling\": \"4:2:0\", \"restart_interval\": 1, \"width\": 256, \"height\": 256}");
        assertRefused(options(), "bad JPEG profile", "quality must be 1..100");
        Files.writeString(
                p,
                "{\"quality\": 25, \"subsampling\": \"4:1:1\", \"restart_interval\": 1, \"width\": 256, \"height\": 256}");
        assertRefused(options(), "subsampling \"4:1:1\" is not one of");
        Files.writeString(
                p,
                "{\"quality\": 25, \"subsampling\": \"4:2:0\", \"restart_interval\": 1, \"width\": 256, \"height\": 256, \"tables_file\": \"no.jpg\"}");
        assertRefused(options(), "no.jpg does not exist");
    }

    @Test
    void existingOutputWithoutForce() throws IOException {
        Path out = outDir.resolve("model.gguf");
        Files.writeString(out, "precious");
        CheckpointException e = assertThrows(
                CheckpointException.class, () -> Converter.convert(options().build()));
        assertEquals(CheckpointException.Kind.OUTPUT_EXISTS, e.kind());
        assertEquals("the output " + out + " exists", e.problem());
        assertTrue(e.getMessage().contains("exists; allow replacing it"), e.getMessage());
        assertEquals("precious", Files.readString(out), "the existing file is untouched");
        assertEquals(List.of("model.gguf"), listing(outDir));

        Converter.convert(options().replaceExisting(true).build());
        assertEquals("GGUF", new String(Files.readAllBytes(out), 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(List.of("model.gguf"), listing(outDir));
    }

    @Test
    void outputIsADirectory() throws IOException {
        Files.createDirectories(outDir.resolve("model.gguf"));
        CheckpointException e = assertThrows(
                CheckpointException.class, () -> Converter.convert(options().build()));
        assertEquals(CheckpointException.Kind.OUTPUT_IS_DIRECTORY, e.kind());
        assertEquals(List.of("model.gguf"), listing(outDir));
    }

    @Test
    void optionsAreCheckedWhenBuilt() {
        IllegalArgumentException plain = assertThrows(
                IllegalArgumentException.class,
                () -> options().plain(true).profile(ProfileSource.paper()).build());
        assertTrue(
                plain.getMessage().contains("a plain GGUF has no tokenizer and no JPEG profile"), plain.getMessage());
        assertThrows(IllegalArgumentException.class, () -> options().threads(-1).build());
        assertThrows(IllegalArgumentException.class, () -> options().name(" ").build());
        assertThrows(NullPointerException.class, () -> options().type(null));
        ConvertOptions o = options().threads(3).name("m").build();
        assertEquals(Optional.of(FileType.F16), o.type());
        assertEquals(Optional.of(JpegLmSources.CHECKPOINT), o.jpegLm());
        assertEquals(o, o.toBuilder().build());
        assertTrue(options().plain(true).build().plain());
        assertEquals(Optional.empty(), options().autoType().build().type());
    }

    // ---- helpers

    ConvertOptions.Builder options() {
        return ConvertOptions.builder(ckpt, outDir.resolve("model.gguf")).type(FileType.F16);
    }

    /** The refusal, a CheckpointException or null for another IOException. */
    CheckpointException assertRefused(ConvertOptions.Builder options, String... fragments) {
        IOException e = assertThrows(IOException.class, () -> Converter.convert(options.build()));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should contain '" + f + "'");
        }
        try {
            assertEquals(List.of(), listing(outDir), "no output left behind");
            try (Stream<Path> all = Files.walk(dir)) {
                assertEquals(
                        List.of(),
                        all.filter(p -> p.getFileName().toString().contains(".partial")
                                        || p.getFileName().toString().endsWith(".gguf"))
                                .toList(),
                        "no temporary files");
            }
        } catch (IOException io) {
            throw new AssertionError(io);
        }
        return e instanceof CheckpointException c ? c : null;
    }

    static List<String> listing(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    List<SafetensorsTestWriter.Entry> entries() {
        List<SafetensorsTestWriter.Entry> list = new ArrayList<>();
        for (HfCheckpoints.HfTensor t : HfCheckpoints.tensors(weights)) {
            list.add(SafetensorsTestWriter.Entry.of(t.name(), "F32", t.shape(), t.values()));
        }
        return list;
    }

    void editConfig(Consumer<ObjectNode> edit) throws IOException {
        Path p = ckpt.resolve("config.json");
        ObjectNode c = (ObjectNode) SafetensorsTestWriter.MAPPER.readTree(p.toFile());
        edit.accept(c);
        Files.writeString(p, c.toPrettyString());
    }

    void rewriteHeader(Consumer<ObjectNode> edit) throws IOException {
        List<SafetensorsTestWriter.Entry> entries = entries();
        ObjectNode h = SafetensorsTestWriter.header(entries, null);
        edit.accept(h);
        SafetensorsTestWriter.writeRaw(ckpt.resolve("model.safetensors"), h.toString(), -1, entries);
    }
}
