package org.jpeglm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.LlamaReference;
import org.jpeglm.testing.LlamaWeights;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.RopeStyle;
import org.jpeglm.testing.TinyLlamaGguf;

/** Tiny random Llama models written as GGUF once per test JVM, with their Java reference forward pass. */
final class TinyModels {
    private TinyModels() {}

    /** A model file, its weights (HF layout) and the reference that llama.cpp must agree with. */
    record Tiny(String name, LlamaConfig config, Path path, LlamaWeights weights) {
        LlamaReference reference() {
            return new LlamaReference(weights, RopeStyle.HALF);
        }
    }

    static final LlamaConfig MHA_TIED = new LlamaConfig(96, 32, 2, 4, 4, 64, 256, 10000f, 1e-5f, true);
    static final LlamaConfig MHA_UNTIED = new LlamaConfig(96, 32, 2, 4, 4, 64, 256, 10000f, 1e-5f, false);
    static final LlamaConfig GQA_UNTIED = new LlamaConfig(120, 48, 3, 6, 2, 80, 256, 10000f, 1e-5f, false);
    static final LlamaConfig GQA_TIED_MQA = new LlamaConfig(80, 32, 2, 4, 1, 48, 256, 500000f, 1e-6f, true);

    private static final Map<String, Tiny> CACHE = new ConcurrentHashMap<>();
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("jpeglm-tiny-models");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GPU layers for tests: -Djpeglm.test.gpuLayers=-1 runs them with every layer offloaded. */
    static ModelOptions options() {
        return ModelOptions.builder()
                .gpuLayers(Integer.getInteger("jpeglm.test.gpuLayers", 0))
                .build();
    }

    /**
     * Session options for parity checks: an F32 KV cache and no flash attention (llama.cpp's CPU flash attention
     * rounds through F16), so only float32 rounding separates llama.cpp from the reference.
     */
    static SessionOptions.Builder exact(int contextLength) {
        return SessionOptions.builder()
                .contextLength(contextLength)
                .kvCacheType(SessionOptions.KvCacheType.F32)
                .flashAttention(SessionOptions.FlashAttention.OFF);
    }

    static Tiny get(String name, LlamaConfig config, long seed) {
        return CACHE.computeIfAbsent(name, n -> {
            LlamaWeights weights = RandomLlama.create(config, seed);
            Path path = DIR.resolve(n + ".gguf");
            try {
                TinyLlamaGguf.write(weights, path, GgmlType.F32);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Tiny(n, config, path, weights);
        });
    }

    static Tiny mhaTied() {
        return get("mha-tied", MHA_TIED, 1);
    }

    static Tiny mhaUntied() {
        return get("mha-untied", MHA_UNTIED, 2);
    }

    static Tiny gqaUntied() {
        return get("gqa-untied", GQA_UNTIED, 3);
    }

    static Tiny mqaTied() {
        return get("mqa-tied", GQA_TIED_MQA, 4);
    }

    static Path dir() {
        return DIR;
    }

    /** max |a - b| / max |b|: the error of a relative to the reference b. */
    static double relativeError(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / den;
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
