package org.jpeglm.codec.igpt;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.Objects;
import org.jpeglm.jpeg.JpegImages;

/**
 * Images to igpt streams and back under an {@link IgptProfile}: one byte a pixel, the index of its nearest
 * palette entry, rows top to bottom. Stateless and thread-safe.
 */
public final class PixelStreams {
    private PixelStreams() {}

    /** A decoded stream: the image and how complete the stream was. */
    public record Decoded(BufferedImage image, PixelReport report) {}

    /**
     * The stream of image: fitted to the profile's size when it has another ({@link JpegImages#fit}, as JPEG prompts
     * are), read as a gray palette reads it (a gray image's raw samples, an RGB image's luma) or as RGB (gray
     * replicated), each pixel the index of the nearest entry.
     */
    public static byte[] encode(BufferedImage image, IgptProfile profile) {
        Objects.requireNonNull(image, "image");
        BufferedImage fitted = image.getWidth() == profile.width() && image.getHeight() == profile.height()
                ? image
                : JpegImages.fit(image, profile.width(), profile.height());
        Palette palette = profile.palette();
        byte[] out = new byte[profile.pixels()];
        if (palette.channels() == 1) {
            byte[] gray = samples(JpegImages.gray(fitted));
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) palette.nearestGray(gray[i]);
            }
        } else {
            byte[] bgr = samples(JpegImages.bgr(fitted));
            for (int i = 0; i < out.length; i++) {
                int rgb = (bgr[3 * i + 2] & 0xFF) << 16 | (bgr[3 * i + 1] & 0xFF) << 8 | bgr[3 * i] & 0xFF;
                out[i] = (byte) palette.nearestRgb(rgb);
            }
        }
        return out;
    }

    private static byte[] samples(BufferedImage image) {
        return ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    }

    /**
     * The image a stream stands for: TYPE_BYTE_GRAY for a gray palette, TYPE_3BYTE_BGR for a colour one. Pixels the
     * stream does not reach are palette entry 0; symbols after the last pixel are dropped and counted.
     *
     * @throws IllegalArgumentException if a byte is not a symbol of the palette (K or more), naming its offset
     */
    public static Decoded decode(byte[] stream, IgptProfile profile) {
        Palette palette = profile.palette();
        int expected = profile.pixels();
        int pixels = Math.min(stream.length, expected);
        for (int i = 0; i < stream.length; i++) {
            if ((stream[i] & 0xFF) >= palette.size()) {
                throw new IllegalArgumentException("byte " + (stream[i] & 0xFF) + " at offset " + i
                        + " is not a symbol of a " + palette.size() + "-entry palette");
            }
        }
        BufferedImage image;
        if (palette.channels() == 1) {
            image = new BufferedImage(profile.width(), profile.height(), BufferedImage.TYPE_BYTE_GRAY);
            byte[] dst = samples(image);
            Arrays.fill(dst, (byte) palette.level(0));
            for (int i = 0; i < pixels; i++) {
                dst[i] = (byte) palette.level(stream[i] & 0xFF);
            }
        } else {
            image = new BufferedImage(profile.width(), profile.height(), BufferedImage.TYPE_3BYTE_BGR);
            byte[] dst = samples(image);
            for (int i = 0; i < expected; i++) {
                int rgb = palette.rgb(i < pixels ? stream[i] & 0xFF : 0);
                dst[3 * i] = (byte) rgb;
                dst[3 * i + 1] = (byte) (rgb >> 8);
                dst[3 * i + 2] = (byte) (rgb >> 16);
            }
        }
        return new Decoded(image, new PixelReport(pixels, expected, Math.max(0, stream.length - expected)));
    }

    /**
     * A completion prompt: the first {@code rows} rows of stream, byte for byte.
     *
     * @throws IllegalArgumentException if rows is outside 0..height or the stream is shorter than those rows
     */
    public static byte[] prefix(byte[] stream, int rows, IgptProfile profile) {
        if (rows < 0 || rows > profile.height()) {
            throw new IllegalArgumentException("rows must be 0.." + profile.height() + ", not " + rows);
        }
        int bytes = rows * profile.width();
        if (stream.length < bytes) {
            throw new IllegalArgumentException(
                    "the stream has " + stream.length + " pixels, fewer than " + rows + " rows of " + profile.width());
        }
        return Arrays.copyOf(stream, bytes);
    }

    /** The rows a stream of {@code pixels} symbols has completed (progress), at most the height. */
    public static int rows(int pixels, IgptProfile profile) {
        return Math.min(profile.height(), Math.max(0, pixels) / profile.width());
    }

    /** The rows of a prompt that keeps {@code share} (0..1) of the image: ⌊share·height⌋, as JPEG cuts by MCUs. */
    public static int rowsOf(double share, IgptProfile profile) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("share must be in [0, 1], got " + share);
        }
        return (int) Math.floor(share * profile.height());
    }
}
