package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.jpeg.JpegImages;

/** Writing results without leaving half-written files. */
final class Outputs {
    private Outputs() {}

    /** Writes bytes to file through a temporary file renamed when complete. */
    static void write(Path file, byte[] bytes) throws IOException {
        AtomicFile.write(file, bytes);
    }

    static void png(Path file, BufferedImage image) throws IOException {
        write(file, JpegImages.png(image));
    }
}
