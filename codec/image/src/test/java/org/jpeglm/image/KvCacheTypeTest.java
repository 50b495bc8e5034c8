package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import org.jpeglm.JpeglmException;
import org.jpeglm.Model;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;
import org.jpeglm.SessionOptions.KvCacheType;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.engine.BatchEngine;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The KV cache type a model file names ({@link KvCacheType#GGUF_KEY}, as the bundled models do) is what the image
 * and video engines' sessions use; a Q8_0 cache holds about half of F16's bytes and the images still come out; a
 * model whose rows do not fill Q8_0 blocks, and a Q8_0 cache without flash attention, are refused with a message.
 */
class KvCacheTypeTest {
    @TempDir
    Path dir;

    /** A random Jpeg-LM of the tiny tokenizer with heads of 32 values (Q8_0's block), the key set when type given. */
    private Path model(String name, String type) throws IOException {
        JpegLmSpec spec = TinyJpegLm.spec();
        LlamaConfig config = new LlamaConfig(spec.tokenizer().vocabSize(), 64, 2, 2, 2, 96, 256, 10000f, 1e-5f, false);
        Path path = dir.resolve(name);
        var writer = TinyLlamaGguf.writer(RandomLlama.create(config, 5), GgmlType.F32)
                .putAll(spec.toGguf());
        if (type != null) {
            writer.put(KvCacheType.GGUF_KEY, GgufValue.string(type));
        }
        writer.write(path);
        return path;
    }

    private static int stateBytes(Model m) {
        GenerationOptions options =
                GenerationOptions.builder().parallel(1).threads(1).build();
        try (Session s = BatchEngine.newSession(m, options, 64)) {
            s.sequence(0).feed(1, 2, 3, 4, 5, 6, 7, 8);
            return s.saveState(0).length;
        }
    }

    @Test
    void theEnginesUseTheCacheTypeTheFileNames() throws IOException {
        try (Model plain = Model.load(model("plain.gguf", null));
                Model q8 = Model.load(model("q8.gguf", "q8_0"))) {
            assertEquals(KvCacheType.F16, KvCacheType.of(plain));
            assertEquals(KvCacheType.Q8_0, KvCacheType.of(q8));
            int f16 = stateBytes(plain);
            int q8bytes = stateBytes(q8);
            // 8 cells x 2 layers x K and V x 64 values: 2 bytes each against 34 per 32.
            assertEquals(8 * 2 * 2 * (64 * 2 - 68), f16 - q8bytes, "state " + f16 + " vs " + q8bytes + " bytes");
            try (ImageGenerator g = ImageModel.of(q8, TinyJpegLm.spec())
                    .newGenerator(GenerationOptions.builder()
                            .parallel(2)
                            .threads(1)
                            .seed(3)
                            .build())) {
                assertEquals(2, g.generate(2).size());
            }
        }
    }

    @Test
    void anUnknownTypeInTheFileIsAnErrorNamingTheKey() throws IOException {
        try (Model m = Model.load(model("bad.gguf", "q4_0"))) {
            var e = assertThrows(IllegalArgumentException.class, () -> KvCacheType.of(m));
            assertEquals("jpeglm.kv_cache_type is 'q4_0', not one of f16, f32, q8_0", e.getMessage());
        }
    }

    @Test
    void rowsThatDoNotFillBlocksAndNoFlashAttentionAreRefused() throws IOException {
        Path tiny = dir.resolve("tiny.gguf");
        TinyJpegLm.write(tiny, 1); // heads of 8 values: K and V rows of 16
        try (Model m = Model.load(tiny)) {
            var e = assertThrows(
                    JpeglmException.class,
                    () -> m.newSession(SessionOptions.builder()
                            .contextLength(64)
                            .kvCacheType(KvCacheType.Q8_0)
                            .build()));
            assertTrue(
                    e.getMessage().contains("a q8_0 KV cache needs rows of a multiple of 32 values"), e.getMessage());
        }
        var off = assertThrows(
                IllegalArgumentException.class,
                () -> SessionOptions.builder()
                        .kvCacheType(KvCacheType.Q8_0)
                        .flashAttention(SessionOptions.FlashAttention.OFF)
                        .build());
        assertTrue(off.getMessage().contains("needs flash attention"), off.getMessage());
    }
}
