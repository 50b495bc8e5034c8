package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.jpeglm.ModelMetadata;
import org.jpeglm.ModelOptions;
import org.jpeglm.codec.Codecs;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * MetadataReadOnceTest's check for the pixel models, here where the pixel codec is (jpeglm's tests cannot see it):
 * {@link PixelModels#load} and {@link Codecs#open} parse a pixel model's GGUF header once, and not at all when given
 * the metadata. It counts ModelMetadata's package-private READS by reflection (the tests run on the class path).
 */
@Isolated // counts ModelMetadata.READS, which every load in this JVM moves
class PixelMetadataReadOnceTest {
    @TempDir
    Path dir;

    @Test
    void eachPixelLoadReadsTheHeaderOnce() throws IOException {
        Path path = dir.resolve("igpt.gguf");
        IgptSpec spec = IgptSpec.igpt(new IgptProfile(8, 6, Palette.gray(4)));
        TinyStreamLm.write(path, 1, spec.tokenizer().vocabSize(), spec.toGguf(), 64);
        ModelOptions options = ModelOptions.defaults();
        assertEquals(1, readsOf(() -> PixelModels.load(path, options).close()), "PixelModels.load");
        assertEquals(1, readsOf(() -> Codecs.open(path, options).close()), "Codecs.open");
        ModelMetadata metadata = ModelMetadata.read(path);
        assertEquals(0, readsOf(() -> {
            try (var m = PixelModels.load(path, options, metadata)) {
                assertSame(metadata, m.model().metadata(), "the model keeps what it was given");
            }
        }));
        assertEquals(0, readsOf(() -> Codecs.open(path, options, metadata).close()));
    }

    private static long readsOf(Runnable run) {
        AtomicLong reads = reads();
        long before = reads.get();
        run.run();
        return reads.get() - before;
    }

    private static AtomicLong reads() {
        try {
            var field = ModelMetadata.class.getDeclaredField("READS");
            field.setAccessible(true);
            return (AtomicLong) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("ModelMetadata.READS, the count of header reads, is gone", e);
        }
    }
}
