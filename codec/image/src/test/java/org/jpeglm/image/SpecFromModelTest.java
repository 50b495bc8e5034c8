package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.Model;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec a model file carries comes back whole through llama.cpp's metadata of the loaded model. */
class SpecFromModelTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsThroughALoadedModelsMetadata() throws IOException {
        JpegLmSpec spec = TinyJpegLm.spec();
        LlamaConfig config = new LlamaConfig(spec.tokenizer().vocabSize(), 32, 1, 2, 2, 32, 64, 10000f, 1e-5f, false);
        Path p = dir.resolve("model.gguf");
        TinyLlamaGguf.writer(RandomLlama.create(config, 1), GgmlType.F32)
                .putAll(spec.toGguf())
                .write(p);
        try (Model m = Model.load(p)) {
            assertEquals(
                    spec.toGguf(),
                    JpegLmSpec.fromMetadata(m.metadata().values()).toGguf());
        }
    }

    /** Issue 12: a model whose BOS equals its EOS loaded as an image model; now refused at load, naming both keys. */
    @Test
    void aModelWhoseBosIsItsEosIsRefusedAtLoad() throws IOException {
        JpegLmSpec spec = TinyJpegLm.spec();
        LlamaConfig config = new LlamaConfig(spec.tokenizer().vocabSize(), 32, 1, 2, 2, 32, 64, 10000f, 1e-5f, false);
        Path p = dir.resolve("bos-is-eos.gguf");
        TinyLlamaGguf.writer(RandomLlama.create(config, 1), GgmlType.F32)
                .putAll(spec.toGguf())
                .putAll(Map.of(
                        "jpeglm.bpe.bos_id", GgufValue.uint32(spec.tokenizer().eosId())))
                .write(p);
        JpeglmException e = assertThrows(JpeglmException.class, () -> ImageModel.load(p));
        assertEquals(ErrorCode.FORMAT, e.code());
        assertTrue(
                e.getMessage().contains("jpeglm.bpe.bos_id") && e.getMessage().contains("jpeglm.bpe.eos_id"),
                e.getMessage());
    }
}
