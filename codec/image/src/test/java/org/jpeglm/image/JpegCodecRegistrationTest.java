package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import org.jpeglm.codec.CodecFactory;
import org.jpeglm.codec.Codecs;
import org.jpeglm.testing.ServiceDeclarations;
import org.junit.jupiter.api.Test;

/**
 * The JPEG codec in the registry: with this module on the path, {@link Codecs} has jpeg (module-info and
 * META-INF/services declaring the same factory), and the bundled image model opens as it.
 */
class JpegCodecRegistrationTest {
    @Test
    void theRegistryHasTheJpegCodec() throws IOException {
        assertInstanceOf(JpegCodecFactory.class, Codecs.forName("jpeg").orElseThrow());
        assertEquals(
                Set.of(JpegCodecFactory.class.getName()),
                ServiceDeclarations.assertAgree(Path.of("target", "classes"), CodecFactory.class.getName()));
    }

    @Test
    void theBundledImageModelOpensAsJpeg() {
        try (var model = Codecs.open(Path.of("..", "..", "models", "fashion-mnist-32.gguf"))) {
            assertInstanceOf(JpegCodec.class, model.codec());
        }
    }
}
