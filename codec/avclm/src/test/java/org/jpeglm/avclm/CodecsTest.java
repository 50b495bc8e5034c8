package org.jpeglm.avclm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.jpeglm.ErrorCode;
import org.jpeglm.JpeglmException;
import org.jpeglm.ModelOptions;
import org.jpeglm.codec.CodecFactory;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Codecs;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.JpegCodecFactory;
import org.jpeglm.testing.ServiceDeclarations;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec registry: the codecs ServiceLoader finds (codec/image's jpeg and this module's h264, each declared alike in
 * its module-info and META-INF/services, and this test's third-party "toy" codec), models opened by the codec their file names, and
 * one error naming the file for a codec nobody serves (listing those that are), a key that is not a string, a file
 * without jpeglm keys, a file of another codec given to a typed loader, and keys the codec refuses.
 */
class CodecsTest {
    private static final Path MODELS = Path.of("..", "..", "models");

    @TempDir
    static Path dir;

    @Test
    void theRegistryHasTheModulesCodecsAndAThirdPartyOne() throws IOException {
        assertTrue(
                Codecs.names().containsAll(Set.of("jpeg", "h264", ToyCodecFactory.NAME)),
                Codecs.names().toString());
        assertInstanceOf(JpegCodecFactory.class, Codecs.forName("jpeg").orElseThrow());
        assertInstanceOf(H264CodecFactory.class, Codecs.forName("h264").orElseThrow());
        assertInstanceOf(
                ToyCodecFactory.class, Codecs.forName(ToyCodecFactory.NAME).orElseThrow());
        assertTrue(Codecs.forName("vp9").isEmpty());
        assertEquals(Codecs.factories().size(), Set.copyOf(Codecs.factories()).size(), "each factory once");
        assertEquals(
                Set.of(H264CodecFactory.class.getName()),
                ServiceDeclarations.assertAgree(Path.of("target", "classes"), CodecFactory.class.getName()),
                "this module's (jpeg's: codec/image's JpegCodecRegistrationTest)");
    }

    @Test
    void theBundledModelsOpenAsTheCodecTheirFilesName() {
        try (CodecModel<?, ?> image = Codecs.open(MODELS.resolve("fashion-mnist-32.gguf"), ModelOptions.defaults())) {
            assertEquals("jpeg", image.codec().name());
            assertEquals("image", image.codec().noun());
            assertEquals("MCUs", image.codec().unitName());
        }
        try (CodecModel<?, ?> video = Codecs.open(MODELS.resolve("moving-fashion-mnist-64.gguf"))) {
            assertEquals("h264", video.codec().name());
            assertEquals("video", video.codec().noun());
            assertEquals("frames", video.codec().unitName());
        }
    }

    @Test
    void aThirdPartyCodecOpensByItsNameAndChecksItsKeys() throws IOException {
        Path toy = dir.resolve("toy.gguf");
        TinyJpegLm.write(
                toy,
                2,
                Map.of(
                        Codecs.CODEC_KEY,
                        GgufValue.string(ToyCodecFactory.NAME),
                        ToyCodecFactory.UNITS_KEY,
                        GgufValue.uint32(5)));
        try (CodecModel<?, ?> model = Codecs.open(toy)) {
            assertInstanceOf(ToyCodecFactory.ToyCodec.class, model.codec());
            assertEquals(5, model.codec().units());
        }
        Path broken = dir.resolve("toy-without-units.gguf");
        TinyJpegLm.write(broken, 2, Map.of(Codecs.CODEC_KEY, GgufValue.string(ToyCodecFactory.NAME)));
        assertFormatError(() -> Codecs.open(broken), "toy-without-units.gguf: ", ToyCodecFactory.UNITS_KEY);
    }

    @Test
    void anUnknownCodecIsOneErrorNamingTheKnownOnes() throws IOException {
        Path vp9 = dir.resolve("vp9.gguf");
        TinyJpegLm.write(vp9, 3, Map.of(Codecs.CODEC_KEY, GgufValue.string("vp9")));
        JpeglmException e = assertFormatError(
                () -> Codecs.open(vp9), "vp9.gguf: unknown codec 'vp9' in 'jpeglm.codec': this jpeglm runs ");
        for (String known : Set.of("jpeg", "h264", ToyCodecFactory.NAME)) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());

        Path number = dir.resolve("number.gguf");
        TinyJpegLm.write(number, 3, Map.of(Codecs.CODEC_KEY, GgufValue.uint32(7)));
        assertFormatError(() -> Codecs.open(number), "number.gguf: 'jpeglm.codec' is UINT32, not a string");
    }

    @Test
    void aFileWithoutJpeglmKeysGetsTheJpegLoadersError() throws IOException {
        Path plain = dir.resolve("plain-llama.gguf");
        TinyStreamLm.write(plain, 4, 300, Map.of(), 64);
        assertFormatError(
                () -> Codecs.open(plain),
                "plain-llama.gguf: not a Jpeg-LM model: the file has no 'jpeglm.format_version' key");
    }

    @Test
    void aTypedLoaderRefusesAnotherCodecBeforeTheNativeLoad() {
        Path video = MODELS.resolve("moving-fashion-mnist-64.gguf");
        assertFormatError(
                () -> ImageModel.load(video), "moving-fashion-mnist-64.gguf: 'jpeglm.codec' is 'h264', not jpeg");
        assertFormatError(
                () -> CodecModel.load(video, ModelOptions.defaults(), new JpegCodecFactory()),
                "'jpeglm.codec' is 'h264', not jpeg");
    }

    private static JpeglmException assertFormatError(org.junit.jupiter.api.function.Executable open, String... parts) {
        JpeglmException e = assertThrows(JpeglmException.class, open);
        assertEquals(ErrorCode.FORMAT, e.code(), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
        return e;
    }
}
