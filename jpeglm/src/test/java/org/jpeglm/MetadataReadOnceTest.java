package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.jpeglm.avclm.VideoModel;
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
 * A model file's GGUF header is parsed once per load, in Java and before llama.cpp sees the file: the codec's keys
 * are refused first, the model keeps the metadata it was given, and weights that do not match it (a file replaced
 * in between) are refused. {@code Codecs.open} reads it once too; the pixel models' loads are checked in
 * codec/igpt's PixelMetadataReadOnceTest.
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
    void eachLoadReadsTheHeaderOnceAndALoadGivenTheMetadataReadsItNoMore() throws IOException {
        Path image = dir.resolve("image.gguf");
        TinyJpegLm.write(image, 1);
        Path video = dir.resolve("video.gguf");
        TinyAvcLm.write(video, 1);
        ModelOptions options = TinyModels.options();
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
        JpeglmException loaded = assertThrows(JpeglmException.class, () -> Model.load(p, TinyModels.options()));
        assertTrue(loaded.getMessage().contains(epsilon), "llama.cpp refuses the file: " + loaded.getMessage());
        JpeglmException e = assertThrows(JpeglmException.class, () -> ImageModel.load(p, TinyModels.options()));
        assertEquals(ErrorCode.FORMAT, e.code());
        assertTrue(e.getMessage().contains("JPEG profile"), e.getMessage());
        assertFalse(e.getMessage().contains(epsilon), "the native load never ran: " + e.getMessage());
        JpeglmException video = assertThrows(JpeglmException.class, () -> VideoModel.load(p, TinyModels.options()));
        assertTrue(video.getMessage().contains("'jpeglm.codec' is 'jpeg', not h264"), video.getMessage());
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

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("absent.gguf");
        JpeglmException e = assertThrows(JpeglmException.class, () -> ImageModel.load(missing, TinyModels.options()));
        assertEquals(ErrorCode.IO, e.code());
        assertTrue(e.getMessage().contains("model file not found: " + missing.toAbsolutePath()), e.getMessage());
    }
}
