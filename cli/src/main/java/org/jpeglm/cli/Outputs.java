package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.jpeg.JpegImages;

/** Reading input images and writing results without leaving half-written files. */
final class Outputs {
    private Outputs() {}

    /** Writes bytes to file through a temporary file renamed when complete. */
    static void write(Path file, byte[] bytes) throws IOException {
        AtomicFile.write(file, bytes);
    }

    static void png(Path file, BufferedImage image) throws IOException {
        write(file, JpegImages.png(image));
    }

    /** Reads images (any format ImageIO reads), naming the file that is not one. */
    static List<BufferedImage> readImages(List<Path> files) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("no such image file: " + f);
            }
            BufferedImage img;
            try {
                img = ImageIO.read(f.toFile());
            } catch (IOException e) {
                throw new IllegalArgumentException(f + " is not a readable image: " + e.getMessage());
            }
            if (img == null) {
                throw new IllegalArgumentException(f + " is not an image (no reader for its format)");
            }
            out.add(img);
        }
        return out;
    }
}
