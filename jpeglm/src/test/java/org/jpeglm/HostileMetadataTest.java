package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;
import org.jpeglm.gguf.GgufWriter;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every hyper-parameter llama.cpp reads, set to a hostile value (NaN, ±inf, negative, zero, huge, the wrong
 * type, an unknown string): Model.load fails with a JpeglmException that names the key, and the JVM goes on
 * (before the pre-check covered them, a NaN or negative epsilon and an unknown RoPE scaling type aborted it).
 */
class HostileMetadataTest {
    @TempDir
    Path dir;

    private static final TinyModels.Tiny TINY = TinyModels.mhaUntied(); // 2 layers, 4 heads of 8, vocabulary 96

    @AfterEach
    void theJvmStillWorks() {
        try (Model m = Model.load(TinyModels.mhaTied().path(), TinyModels.options());
                Session s = m.newSession(16)) {
            s.sequence(0).feed(1, 2, 3);
            assertTrue(s.sequence(0).step() >= 0);
        }
    }

    /** One hostile change: what the file gets, and the error it must give. */
    record Case(String name, UnaryOperator<GgufWriter> change, ErrorCode code, String messagePart) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Case set(String key, GgufValue value, ErrorCode code) {
        return new Case(key + " = " + value.value(), w -> w.put(key, value), code, key);
    }

    private static Case format(String key, GgufValue value) {
        return set(key, value, ErrorCode.FORMAT);
    }

    private static final String EPS = "llama.attention.layer_norm_rms_epsilon";

    /** Floats llama.cpp reads, each with NaN, ±inf, negative, huge and the wrong type; some also with 0. */
    static Stream<Case> hostileFloats() {
        List<Case> cases = new ArrayList<>();
        List<String> keys = List.of(
                EPS,
                "llama.rope.freq_base",
                "llama.rope.scaling.factor",
                "llama.rope.scale_linear",
                "llama.rope.scaling.attn_factor",
                "llama.rope.scaling.alpha",
                "llama.rope.scaling.yarn_log_multiplier",
                "llama.rope.scaling.yarn_ext_factor",
                "llama.rope.scaling.yarn_attn_factor",
                "llama.rope.scaling.yarn_beta_fast",
                "llama.rope.scaling.yarn_beta_slow");
        for (String key : keys) {
            for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -1f, 1e30f}) {
                cases.add(format(key, GgufValue.float32(v)));
            }
            cases.add(format(key, GgufValue.uint32(1)));
            cases.add(format(key, GgufValue.string("1e-5")));
            cases.add(format(key, GgufValue.float64(1e-5)));
        }
        for (String key : List.of(EPS, "llama.rope.freq_base", "llama.rope.scaling.attn_factor")) {
            cases.add(format(key, GgufValue.float32(0f)));
        }
        cases.add(format(EPS, GgufValue.float32(1f)));
        cases.add(format("llama.rope.scaling.factor", GgufValue.float32(1e-6f)));
        return cases.stream();
    }

    /** Integers llama.cpp reads: 0, huge, the wrong type (a negative int32, a float, a string). */
    static Stream<Case> hostileIntegers() {
        List<Case> cases = new ArrayList<>();
        List<String> keys = List.of(
                "llama.context_length",
                "llama.embedding_length",
                "llama.block_count",
                "llama.feed_forward_length",
                "llama.attention.head_count",
                "llama.attention.head_count_kv",
                "llama.attention.key_length",
                "llama.attention.value_length",
                "llama.rope.dimension_count",
                "llama.vocab_size");
        for (String key : keys) {
            cases.add(format(key, GgufValue.uint32(0)));
            cases.add(format(key, GgufValue.uint32(0xFFFF_FFFFL)));
            cases.add(format(key, GgufValue.int32(-1)));
            cases.add(format(key, GgufValue.float32(8f)));
            cases.add(format(key, GgufValue.string("8")));
            cases.add(format(key, GgufValue.uint64(8)));
        }
        // Values in range that contradict the others: llama.cpp throws or mis-sizes on these.
        cases.add(format("llama.attention.key_length", GgufValue.uint32(16)));
        cases.add(format("llama.attention.value_length", GgufValue.uint32(4)));
        cases.add(format("llama.rope.dimension_count", GgufValue.uint32(6)));
        cases.add(format("llama.rope.dimension_count_swa", GgufValue.uint32(4)));
        cases.add(format("llama.attention.key_length_swa", GgufValue.uint32(16)));
        cases.add(format("llama.embedding_length_out", GgufValue.uint32(64)));
        cases.add(format("llama.vocab_size", GgufValue.uint32(97)));
        cases.add(format("llama.context_length", GgufValue.uint32((1 << 20) + 1)));
        cases.add(format("llama.rope.scaling.original_context_length", GgufValue.uint32(0xFFFF_FFFFL)));
        cases.add(new Case(
                "head_count_kv 3 does not divide 4",
                w -> w.put("llama.attention.head_count_kv", GgufValue.uint32(3)),
                ErrorCode.FORMAT,
                "head_count_kv"));
        return cases.stream();
    }

    /** Per-layer arrays: the wrong length, a bad element, the wrong element type. */
    static Stream<Case> hostileArrays() {
        String heads = "llama.attention.head_count";
        return Stream.of(
                format(heads, GgufValue.array(GgufValueType.UINT32, new int[] {4})),
                format(heads, GgufValue.array(GgufValueType.UINT32, new int[] {4, 4, 4})),
                format(heads, GgufValue.array(GgufValueType.UINT32, new int[] {4, 0})),
                format(heads, GgufValue.array(GgufValueType.INT32, new int[] {4, -4})),
                format(heads, GgufValue.floats(new float[] {4, 4})),
                format("llama.attention.head_count_kv", GgufValue.array(GgufValueType.UINT32, new int[] {4, 3})),
                format("llama.feed_forward_length", GgufValue.array(GgufValueType.UINT32, new int[] {64, 0})),
                format("llama.block_count", GgufValue.array(GgufValueType.UINT32, new int[] {2, 2})),
                format(EPS, GgufValue.floats(new float[] {1e-5f, 1e-5f})),
                format("general.name", GgufValue.strings(List.of("a", "b"))));
    }

    /** Features jpeglm does not run, and strings llama.cpp does not know. */
    static Stream<Case> unsupportedAndUnknown() {
        return Stream.of(
                set("llama.expert_count", GgufValue.uint32(8), ErrorCode.UNSUPPORTED),
                set("llama.expert_used_count", GgufValue.uint32(2), ErrorCode.UNSUPPORTED),
                set("llama.expert_group_count", GgufValue.uint32(2), ErrorCode.UNSUPPORTED),
                set("llama.attention.causal", GgufValue.bool(false), ErrorCode.UNSUPPORTED),
                format("llama.attention.causal", GgufValue.uint32(0)),
                set("llama.pooling_type", GgufValue.uint32(1), ErrorCode.UNSUPPORTED),
                set("llama.pooling_type", GgufValue.uint32(0xFFFF_FFFFL), ErrorCode.UNSUPPORTED),
                set("llama.nextn_predict_layers", GgufValue.uint32(1), ErrorCode.UNSUPPORTED),
                set("llama.attention.sliding_window", GgufValue.uint32(128), ErrorCode.UNSUPPORTED),
                set(
                        "llama.attention.sliding_window_pattern",
                        GgufValue.bools(new boolean[] {true, false}),
                        ErrorCode.UNSUPPORTED),
                set("llama.classifier.output_labels", GgufValue.strings(List.of("a", "b")), ErrorCode.UNSUPPORTED),
                format("llama.rope.scaling.type", GgufValue.string("bogus")),
                format("llama.rope.scaling.type", GgufValue.string("")),
                format("llama.rope.scaling.type", GgufValue.uint32(1)),
                set("llama.rope.scaling.type", GgufValue.string("longrope"), ErrorCode.UNSUPPORTED),
                format("general.name", GgufValue.uint32(7)),
                format("tokenizer.ggml.model", GgufValue.uint32(7)),
                set("tokenizer.ggml.model", GgufValue.string("rwkv"), ErrorCode.UNSUPPORTED),
                format("tokenizer.ggml.model", GgufValue.string("llama")), // no token list
                format("tokenizer.ggml.bos_token_id", GgufValue.uint32(96)),
                format("tokenizer.ggml.eos_token_id", GgufValue.uint32(0xFFFF_FFFFL)),
                format("tokenizer.ggml.padding_token_id", GgufValue.int32(-1)),
                format("tokenizer.ggml.add_bos_token", GgufValue.uint32(1)));
    }

    /** The class-wide rule: no float anywhere in the metadata is NaN or infinite, whatever its key. */
    static Stream<Case> nonFiniteAnywhere() {
        return Stream.of(
                format("jpeglm.some_float", GgufValue.float32(Float.NaN)),
                format("jpeglm.some_double", GgufValue.float64(Double.NEGATIVE_INFINITY)),
                format("jpeglm.some_floats", GgufValue.floats(new float[] {1f, Float.POSITIVE_INFINITY})),
                format("tokenizer.ggml.scores", GgufValue.doubles(new double[] {0, Double.NaN})));
    }

    /** A llama.cpp vocabulary with a token string twice was a GGML_ASSERT abort while loading. */
    static Stream<Case> tokenLists() {
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 96; i++) {
            tokens.add("t" + i);
        }
        List<String> duplicate = new ArrayList<>(tokens);
        duplicate.set(5, "t4");
        List<String> emptyClash = new ArrayList<>(tokens);
        emptyClash.set(3, "");
        emptyClash.set(4, "[EMPTY_3]");
        UnaryOperator<GgufWriter> llama = w -> w.put("tokenizer.ggml.model", GgufValue.string("llama"));
        return Stream.of(
                new Case(
                        "a token twice",
                        w -> llama.apply(w).put("tokenizer.ggml.tokens", GgufValue.strings(duplicate)),
                        ErrorCode.FORMAT,
                        "tokenizer.ggml.tokens"),
                new Case(
                        "an empty token named like another",
                        w -> llama.apply(w).put("tokenizer.ggml.tokens", GgufValue.strings(emptyClash)),
                        ErrorCode.FORMAT,
                        "tokenizer.ggml.tokens"),
                new Case(
                        "fewer tokens than rows",
                        w -> llama.apply(w).put("tokenizer.ggml.tokens", GgufValue.strings(tokens.subList(0, 95))),
                        ErrorCode.FORMAT,
                        "tokenizer.ggml.tokens"),
                new Case(
                        "scores shorter than the token list",
                        w -> llama.apply(w)
                                .put("tokenizer.ggml.tokens", GgufValue.strings(tokens))
                                .put("tokenizer.ggml.scores", GgufValue.floats(new float[3])),
                        ErrorCode.FORMAT,
                        "tokenizer.ggml.scores"));
    }

    static Stream<Case> allCases() {
        return Stream.of(
                        hostileFloats(),
                        hostileIntegers(),
                        hostileArrays(),
                        unsupportedAndUnknown(),
                        nonFiniteAnywhere(),
                        tokenLists())
                .flatMap(s -> s);
    }

    static Stream<Arguments> cases() {
        return allCases().map(Arguments::of);
    }

    private Path write(UnaryOperator<GgufWriter> change) throws IOException {
        Path p = dir.resolve("hostile.gguf");
        change.apply(TinyLlamaGguf.writer(TINY.weights(), GgmlType.F32)).write(p);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithTheKeyNamed(Case c) throws IOException {
        Path p = write(c.change());
        JpeglmException e = assertThrows(JpeglmException.class, () -> Model.load(p, TinyModels.options()));
        assertEquals(c.code(), e.code(), e.getMessage());
        assertTrue(e.getMessage().contains(c.messagePart()), "'" + e.getMessage() + "' lacks '" + c.messagePart());
    }

    /** The rules refuse only what is wrong: legitimate values of the same keys load and run. */
    @Test
    void legitimateValuesOfTheCheckedKeysLoadAndRun() throws IOException {
        List<UnaryOperator<GgufWriter>> fine = List.of(
                w -> w.put("llama.rope.scaling.type", GgufValue.string("yarn"))
                        .put("llama.rope.scaling.factor", GgufValue.float32(4f))
                        .put("llama.rope.scaling.original_context_length", GgufValue.uint32(64))
                        .put("llama.rope.scaling.yarn_ext_factor", GgufValue.float32(1f))
                        .put("llama.rope.scaling.yarn_beta_fast", GgufValue.float32(32f)),
                w -> w.put("llama.rope.scaling.type", GgufValue.string("linear"))
                        .put("llama.rope.scaling.factor", GgufValue.float32(0f)),
                w -> w.put("llama.attention.key_length", GgufValue.uint32(8))
                        .put("llama.attention.value_length", GgufValue.uint32(8))
                        .put("llama.attention.causal", GgufValue.bool(true))
                        .put("llama.expert_count", GgufValue.uint32(0))
                        .put("llama.pooling_type", GgufValue.uint32(0)),
                w -> w.put("llama.attention.head_count", GgufValue.array(GgufValueType.UINT32, new int[] {4, 4}))
                        .put("llama.attention.head_count_kv", GgufValue.array(GgufValueType.INT32, new int[] {4, 4}))
                        .put("llama.feed_forward_length", GgufValue.array(GgufValueType.UINT32, new int[] {64, 64})),
                w -> w.put("tokenizer.ggml.bos_token_id", GgufValue.uint32(95))
                        .put("jpeglm.some_floats", GgufValue.floats(new float[] {-1e30f, 0f, 3.5f})));
        for (UnaryOperator<GgufWriter> change : fine) {
            Path p = write(change);
            try (Model m = Model.load(p, TinyModels.options());
                    Session s = m.newSession(16)) {
                s.sequence(0).feed(1, 2, 3);
                assertTrue(s.sequence(0).step() >= 0);
            }
        }
    }
}
