package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import org.jpeglm.Model;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.spec.JpegLmSpec;
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
}
