package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.jpeglm.codec.CodecFactory;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Codecs;
import org.jpeglm.testing.ServiceDeclarations;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pixel codecs in the registry: with this module on the path, {@link Codecs} has igpt and bpe-igpt beside jpeg
 * and h264 (module-info and META-INF/services declaring the same factory), and opens a file of either as the
 * {@link PixelCodec} its key names.
 */
class PixelCodecRegistrationTest {
    @TempDir
    static Path dir;

    @Test
    void theRegistryHasThePixelCodecsBesideTheOthers() throws IOException {
        assertTrue(
                Codecs.names().containsAll(Set.of("jpeg", "h264", IgptSpec.IGPT, IgptSpec.BPE_IGPT)),
                Codecs.names().toString());
        assertInstanceOf(PixelCodecFactory.class, Codecs.forName(IgptSpec.IGPT).orElseThrow());
        assertInstanceOf(
                PixelCodecFactory.class, Codecs.forName(IgptSpec.BPE_IGPT).orElseThrow());
        assertEquals(
                Set.of(PixelCodecFactory.class.getName()),
                ServiceDeclarations.assertAgree(Path.of("target", "classes"), CodecFactory.class.getName()));
    }

    @ParameterizedTest
    @ValueSource(strings = {IgptSpec.IGPT, IgptSpec.BPE_IGPT})
    void aPixelModelOpensAsTheCodecItsFileNames(String codec) throws IOException {
        IgptSpec spec = PixelCodecContractTest.spec(codec);
        Path path = dir.resolve(codec + ".gguf");
        TinyStreamLm.write(path, 5, spec.tokenizer().vocabSize(), spec.toGguf(), 128);
        try (CodecModel<?, ?> model = Codecs.open(path)) {
            PixelCodec pixels = assertInstanceOf(PixelCodec.class, model.codec());
            assertEquals(codec, pixels.name());
            assertEquals(spec.profile(), pixels.profile());
        }
    }
}
