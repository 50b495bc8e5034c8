package org.jpeglm.jpeg;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Decoding JPEG bytes to images and writing images to files. */
public final class JpegImages {
    private JpegImages() {}

    /**
     * Decodes a complete JPEG file with ImageIO: TYPE_BYTE_GRAY for one component, TYPE_3BYTE_BGR for three.
     *
     * @throws JpegFormatException if the bytes are not a JPEG this package supports, or lack the tables to
     *                             decode (an abbreviated stream: use {@link #decode(byte[], JpegTables)})
     */
    public static BufferedImage decode(byte[] jpeg) {
        JpegFile f = JpegParser.parse(jpeg);
        if (!f.hasAllTables())
            throw new JpegFormatException(
                    JpegFormatException.Problem.MALFORMED,
                    "no quantization/Huffman tables (an abbreviated stream): decode it with its tables");
        return read(jpeg);
    }

    /** Decodes an abbreviated stream (or complete file) coded with {@code tables}. */
    public static BufferedImage decode(byte[] stream, JpegTables tables) {
        return read(JpegStreams.reassemble(stream, tables));
    }

    /** Decodes an abbreviated stream (or complete file) written for {@code profile}. */
    public static BufferedImage decode(byte[] stream, JpegProfile profile) {
        return decode(stream, profile.tables());
    }

    private static BufferedImage read(byte[] jpeg) {
        var readers = ImageIO.getImageReadersByFormatName("jpeg");
        if (!readers.hasNext()) throw new IllegalStateException("no ImageIO JPEG reader");
        ImageReader reader = readers.next();
        // Memory-cached streams: ImageIO's default cache is a temporary file per stream.
        try (var iis = new MemoryCacheImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(iis, true, true);
            return reader.read(0);
        } catch (IOException e) {
            throw new JpegFormatException(
                    JpegFormatException.Problem.MALFORMED, "ImageIO could not decode: " + e.getMessage());
        } finally {
            reader.dispose();
        }
    }

    /**
     * Decodes image 0 of a user's file, whatever its format, refusing one that ends early: ImageIO's JPEG reader
     * only warns of a missing end and fills what is missing with gray, which would pass a half-downloaded photo off
     * as an image (PIL refuses it too; PNG, GIF and BMP readers throw by themselves).
     *
     * @throws IIOException if the file is cut short
     */
    public static BufferedImage readWhole(ImageReader reader) throws IOException {
        List<String> truncated = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> {
            if (warning.startsWith("Truncated File")) {
                truncated.add(warning);
            }
        });
        BufferedImage image = reader.read(0);
        if (!truncated.isEmpty()) {
            throw new IIOException("the file is cut short (" + truncated.getFirst() + ")");
        }
        return image;
    }

    /** The image as PNG bytes. */
    public static byte[] png(BufferedImage image) {
        var out = new ByteArrayOutputStream();
        try (var ios = new MemoryCacheImageOutputStream(out)) {
            if (!ImageIO.write(image, "png", ios)) throw new IllegalStateException("no ImageIO PNG writer");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the image as a PNG file. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        Files.write(file, png(image));
    }

    /** Writes JPEG bytes (a complete file, e.g. {@link JpegRepair.Result#jpeg()}) to a file. */
    public static void writeJpeg(byte[] jpeg, Path file) throws IOException {
        Files.write(file, jpeg);
    }

    /**
     * Scales the image to cover {@code width}×{@code height} and crops the centre: the usual preparation of
     * training images. Large reductions are antialiased: the image is first halved (each output pixel the
     * mean of a 2×2 block) while it stays at least twice the needed size, then scaled the rest of the way
     * bicubically; so a photo many times the target size does not alias. Not bit-identical to Pillow's
     * resampling. Returns TYPE_3BYTE_BGR.
     */
    public static BufferedImage fit(BufferedImage image, int width, int height) {
        if (width < 1 || height < 1) throw new IllegalArgumentException("bad size " + width + "x" + height);
        double scale = Math.max((double) width / image.getWidth(), (double) height / image.getHeight());
        int sw = Math.max(width, (int) Math.round(image.getWidth() * scale));
        int sh = Math.max(height, (int) Math.round(image.getHeight() * scale));
        BufferedImage src = image;
        while (src.getWidth() / 2 >= sw && src.getHeight() / 2 >= sh) src = halve(src);
        var out = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, -(sw - width) / 2, -(sh - height) / 2, sw, sh, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * The image as TYPE_BYTE_GRAY, as the encoder reads a gray profile's pixels: a gray image's raw samples (not
     * Java2D's linear-gray-to-sRGB conversion), an RGB image's luma as Pillow's {@code convert('L')} computes it.
     */
    public static BufferedImage gray(BufferedImage image) {
        return JpegEncoder.toGray(image);
    }

    /** The image as TYPE_3BYTE_BGR with its sRGB values, as the encoder reads them (gray samples replicated). */
    public static BufferedImage bgr(BufferedImage image) {
        return JpegEncoder.toBgr(image);
    }

    /** Half the size (odd last row or column dropped), each pixel the rounded mean of a 2×2 block, per channel. */
    private static BufferedImage halve(BufferedImage src) {
        int w = src.getWidth() / 2, h = src.getHeight() / 2, sw = src.getWidth();
        var out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] top = new int[sw], bottom = new int[sw], row = new int[w];
        for (int y = 0; y < h; y++) {
            src.getRGB(0, 2 * y, sw, 1, top, 0, sw);
            src.getRGB(0, 2 * y + 1, sw, 1, bottom, 0, sw);
            for (int x = 0; x < w; x++) {
                int a = top[2 * x], b = top[2 * x + 1], c = bottom[2 * x], d = bottom[2 * x + 1];
                int r = ((a >> 16 & 255) + (b >> 16 & 255) + (c >> 16 & 255) + (d >> 16 & 255) + 2) >> 2;
                int gr = ((a >> 8 & 255) + (b >> 8 & 255) + (c >> 8 & 255) + (d >> 8 & 255) + 2) >> 2;
                int bl = ((a & 255) + (b & 255) + (c & 255) + (d & 255) + 2) >> 2;
                row[x] = r << 16 | gr << 8 | bl;
            }
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        return out;
    }
}
