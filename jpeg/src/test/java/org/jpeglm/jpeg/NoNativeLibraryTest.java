package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The JPEG layer is a library of its own: its class path holds neither jpeglm's runtime, nor the FFM bindings,
 * nor the bundled libjpeglm, and it encodes, strips, reassembles and decodes images.
 */
class NoNativeLibraryTest {
    @Test
    void noRuntimeBindingsNorNativeLibraryOnTheClassPath() {
        for (String name : List.of(
                "org.jpeglm.bindings.jpeglm_h",
                "org.jpeglm.bindings.NativeLibrary",
                "org.jpeglm.Jpeglm",
                "org.jpeglm.bpe.BpeTokenizer")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            assertFalse(holdsNativeLibrary(Path.of(entry)), entry + " holds libjpeglm");
        }
    }

    @Test
    void paperProfileRoundTrip() {
        BufferedImage image = JpegImages.fit(TestImages.png("sources/hopper.png"), 256, 256);
        JpegEncoder encoder = JpegEncoder.paper();
        byte[] stream = encoder.encode(image);
        assertEquals(
                List.of("SOI", "APP0", "SOF0", "DRI", "SOS"),
                JpegParser.parse(stream).segments().stream().map(Segment::name).toList(),
                "an abbreviated stream, as the model sees it");
        byte[] full = JpegStreams.reassemble(stream, encoder.tables());
        assertArrayEquals(encoder.encodeFull(image), full);
        assertArrayEquals(stream, JpegStreams.strip(full));
        BufferedImage decoded = JpegImages.decode(stream, JpegProfile.PAPER);
        assertEquals(256, decoded.getWidth());
        assertEquals(256, decoded.getHeight());
        double error = meanAbsoluteError(image, decoded);
        assertTrue(error > 0.5 && error < 20, "quality 25 is lossy, but close: " + error);
    }

    private static double meanAbsoluteError(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift < 24; shift += 8) {
                    sum += Math.abs((p >> shift & 0xFF) - (q >> shift & 0xFF));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }

    /** Whether a class path entry carries a bundled libjpeglm (org/jpeglm/native/...). */
    static boolean holdsNativeLibrary(Path entry) {
        if (Files.isDirectory(entry)) {
            return Files.exists(entry.resolve("org/jpeglm/native"));
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            return jar.stream().anyMatch(e -> e.getName().startsWith("org/jpeglm/native/"));
        } catch (IOException notAJar) {
            return false;
        }
    }
}
