package org.jpeglm.avclm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.Model;
import org.jpeglm.ModelMetadata;
import org.jpeglm.ModelOptions;
import org.jpeglm.codec.Codecs;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.image.ImageModel;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The codecs' loads parse a model file's GGUF header once, in Java and before llama.cpp sees the file: the codec's
 * keys are refused first and the model keeps the metadata it was given (the engine's own load: jpeglm's
 * MetadataReadOnceTest).
 */
@Isolated // counts ModelMetadata.READS, which every load in this JVM moves
class CodecMetadataReadOnceTest {
    @TempDir
    Path dir;

    /** How many headers run read: ModelMetadata's package-private count, read reflectively (tests run on the class path). */
    static long readsOf(Runnable run) {
        long before = reads();
        run.run();
        return reads() - before;
    }

    private static long reads() {
        try {
            Field reads = ModelMetadata.class.getDeclaredField("READS");
            reads.setAccessible(true);
            return ((AtomicLong) reads.get(null)).get();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("ModelMetadata.READS is the count this test reads", e);
        }
    }

    /** GPU layers for tests: -Djpeglm.test.gpuLayers=-1 runs them with every layer offloaded (as jpeglm's TinyModels). */
    static ModelOptions options() {
        return ModelOptions.builder()
                .gpuLayers(Integer.getInteger("jpeglm.test.gpuLayers", 0))
                .build();
    }

    @Test
    void eachLoadReadsTheHeaderOnceAndALoadGivenTheMetadataReadsItNoMore() throws IOException {
        Path image = dir.resolve("image.gguf");
        TinyJpegLm.write(image, 1);
        Path video = dir.resolve("video.gguf");
        TinyAvcLm.write(video, 1);
        ModelOptions options = options();
        assertEquals(1, readsOf(() -> Model.load(image, options).close()));
        assertEquals(1, readsOf(() -> ImageModel.load(image, options).close()));
        assertEquals(1, readsOf(() -> VideoModel.load(video, options).close()));
        assertEquals(1, readsOf(() -> Codecs.open(image, options).close()), "Codecs.open of a JPEG model");
        assertEquals(1, readsOf(() -> Codecs.open(video, options).close()), "Codecs.open of a video model");
        ModelMetadata metadata = ModelMetadata.read(image);
        assertEquals(0, readsOf(() -> {
            try (ImageModel m = ImageModel.load(image, options, metadata)) {
                assertSame(metadata, m.model().metadata(), "the model keeps what it was given");
            }
        }));
        ModelMetadata videoMetadata = ModelMetadata.read(video);
        assertEquals(
                0, readsOf(() -> VideoModel.load(video, options, videoMetadata).close()));
        assertEquals(0, readsOf(() -> Codecs.open(image, options, metadata).close()));
        assertEquals(0, readsOf(() -> Codecs.open(video, options, videoMetadata).close()));
    }

    /**
     * The codec's keys are checked before llama.cpp sees the file: a file with a bad JPEG profile and a hyper-parameter
     * llama.cpp refuses is refused for the profile (the native load would have named the epsilon).
     */
    @Test
    void badCodecKeysAreRefusedBeforeTheNativeLoad() throws IOException {
        Path p = dir.resolve("bad-profile.gguf");
        String epsilon = "llama.attention.layer_norm_rms_epsilon";
        TinyJpegLm.write(
                p, 1, Map.of(JpegLmSpec.QUALITY_KEY, GgufValue.uint32(0), epsilon, GgufValue.float32(Float.NaN)));
        JpeglmException loaded = assertThrows(JpeglmException.class, () -> Model.load(p, options()));
        assertTrue(loaded.getMessage().contains(epsilon), "llama.cpp refuses the file: " + loaded.getMessage());
        JpeglmException e = assertThrows(JpeglmException.class, () -> ImageModel.load(p, options()));
        assertEquals(ErrorCode.FORMAT, e.code());
        assertTrue(e.getMessage().contains("JPEG profile"), e.getMessage());
        assertFalse(e.getMessage().contains(epsilon), "the native load never ran: " + e.getMessage());
        JpeglmException video = assertThrows(JpeglmException.class, () -> VideoModel.load(p, options()));
        assertTrue(video.getMessage().contains("'jpeglm.codec' is 'jpeg', not h264"), video.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("absent.gguf");
        JpeglmException e = assertThrows(JpeglmException.class, () -> ImageModel.load(missing, options()));
        assertEquals(ErrorCode.IO, e.code());
        assertTrue(e.getMessage().contains("model file not found: " + missing.toAbsolutePath()), e.getMessage());
    }
}
