package org.jpeglm.serve;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.jpeglm.jpeg.JpegImages;

/**
 * Decodes uploaded image files (any format ImageIO reads), reading each one's size from its header first so that an
 * image with more pixels than the server allows is refused (413) before it is decoded; a file that is no image is
 * a 400. Both name the field it came in.
 */
final class UploadedImages implements Uploads<BufferedImage> {
    private final long maxPixels;

    UploadedImages(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    @Override
    public BufferedImage decode(String field, byte[] file) {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw ApiException.badField(field, field + " is not an image (PNG, JPEG, BMP or GIF)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw ApiException.tooLarge(
                            field,
                            field + " is " + reader.getWidth(0) + "x" + reader.getHeight(0)
                                    + " pixels; this server decodes images of at most " + maxPixels + " pixels");
                }
                BufferedImage image = JpegImages.readWhole(reader);
                if (image == null || image.getWidth() < 1 || image.getHeight() < 1) {
                    throw ApiException.badField(field, field + " has no pixels");
                }
                return image;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (e instanceof ApiException a) {
                throw a;
            }
            // ImageIO's decoders throw anything on a hostile file: each is this client's bad image, never a crash.
            throw ApiException.badField(field, field + " is not a readable image: " + describe(e));
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.strip();
    }
}
