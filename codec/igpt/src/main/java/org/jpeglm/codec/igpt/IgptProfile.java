package org.jpeglm.codec.igpt;

import java.util.Objects;

/**
 * How an image becomes an igpt stream: fitted to width×height, each pixel replaced by the index of its nearest
 * palette entry, rows top to bottom ({@code raster} order), one byte a pixel, no header.
 *
 * @param width   pixels per row, 1..{@value #MAX_SIDE}
 * @param height  rows, 1..{@value #MAX_SIDE}
 * @param palette the K entries; its channels (1 gray, 3 RGB) are the profile's
 */
public record IgptProfile(int width, int height, Palette palette) {
    /** The longest side: a stream is one token or more a pixel, far beyond any context at this size. */
    public static final int MAX_SIDE = 1024;

    /** The only pixel order there is: rows top to bottom, each left to right. */
    public static final String RASTER = "raster";

    public IgptProfile {
        Objects.requireNonNull(palette, "palette");
        if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
            throw new IllegalArgumentException(
                    "an igpt image is 1.." + MAX_SIDE + " pixels a side, not " + width + "x" + height);
        }
    }

    /** The Fashion-MNIST profile: 28×28, K evenly spaced gray levels. */
    public static IgptProfile fashionMnist(int levels) {
        return new IgptProfile(28, 28, Palette.gray(levels));
    }

    /** 1 (gray) or 3 (RGB). */
    public int channels() {
        return palette.channels();
    }

    /** The number of pixels, which is the stream's length in bytes. */
    public int pixels() {
        return width * height;
    }

    /** K, the number of symbols (palette entries). */
    public int symbols() {
        return palette.size();
    }
}
