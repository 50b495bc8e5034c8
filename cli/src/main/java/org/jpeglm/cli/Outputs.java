package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.jpeg.JpegImages;

/** Writing results without leaving half-written files. */
final class Outputs {
    private Outputs() {}

    /**
     * Writes bytes to file through a temporary file renamed when complete. A failure names the file (a full disk
     * otherwise says only "No space left on device").
     */
    static void write(Path file, byte[] bytes) throws IOException {
        try {
            AtomicFile.write(file, bytes);
        } catch (FileSystemException e) {
            throw e;
        } catch (IOException e) {
            FileSystemException named = new FileSystemException(file.toString(), null, e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    static void png(Path file, BufferedImage image) throws IOException {
        write(file, JpegImages.png(image));
    }
}
