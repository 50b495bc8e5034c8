package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A model file's GGUF header is parsed once per load, in Java and before llama.cpp sees the file: the model keeps
 * the metadata it was given, and weights that do not match it (a file replaced in between) are refused. (The codecs'
 * loads, which refuse their keys first, are held to the same in codec/avclm's CodecMetadataReadOnceTest.)
 */
@Isolated // counts ModelMetadata.READS, which every load in this JVM moves
class MetadataReadOnceTest {
    @TempDir
    Path dir;

    /** How many headers run read. */
    static long readsOf(Runnable run) {
        long before = ModelMetadata.READS.get();
        run.run();
        return ModelMetadata.READS.get() - before;
    }

    @Test
    void eachLoadReadsTheHeaderOnce() throws IOException {
        Path model = dir.resolve("model.gguf");
        TinyStreamLm.write(model, 1, 96, Map.of(), 64);
        ModelOptions options = TinyModels.options();
        assertEquals(1, readsOf(() -> Model.load(model, options).close()));
        ModelMetadata metadata = ModelMetadata.read(model);
        assertEquals(0, readsOf(() -> {
            try (Model m = Model.load(model, options, metadata)) {
                assertSame(metadata, m.metadata(), "the model keeps what it was given");
            }
        }));
    }

    @Test
    void weightsThatDoNotMatchTheMetadataReadFirstAreRefused() throws IOException {
        Path p = dir.resolve("model.gguf");
        Files.copy(TinyModels.gqaUntied().path(), p); // vocabulary 120
        ModelMetadata metadata = ModelMetadata.read(p);
        Files.copy(TinyModels.mhaTied().path(), p, StandardCopyOption.REPLACE_EXISTING); // vocabulary 96
        JpeglmException e = assertThrows(JpeglmException.class, () -> Model.load(p, TinyModels.options(), metadata));
        assertEquals(ErrorCode.FORMAT, e.code());
        assertTrue(
                e.getMessage().contains("changed while it loaded")
                        && e.getMessage().contains("vocabulary of 120")
                        && e.getMessage().contains(" have 96 "),
                e.getMessage());
        try (Model m = Model.load(p, TinyModels.options())) { // read again, it loads
            assertEquals(96, m.vocabSize());
        }
    }

    @Test
    void typedReadsNameTheKey() {
        ModelMetadata m = ModelMetadata.read(TinyModels.mhaTied().path());
        assertEquals("llama", m.string("general.architecture"));
        assertEquals(TinyModels.MHA_TIED.layers(), m.count("llama.block_count"));
        IllegalArgumentException absent = assertThrows(IllegalArgumentException.class, () -> m.count("test.absent"));
        assertTrue(absent.getMessage().contains("'test.absent'"), absent.getMessage());
        IllegalArgumentException type =
                assertThrows(IllegalArgumentException.class, () -> m.bytes("general.architecture"));
        assertTrue(type.getMessage().contains("'general.architecture' is not usable"), type.getMessage());
    }
}
