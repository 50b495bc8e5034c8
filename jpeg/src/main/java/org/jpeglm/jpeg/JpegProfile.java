package org.jpeglm.jpeg;

import java.util.Objects;

/**
 * How images are turned into the byte streams a Jpeg-LM model reads: IJG quality, chroma subsampling,
 * restart interval, and optionally the one image size the model was trained on.
 *
 * @param quality         IJG quality 1..100 (tables are the Annex K tables scaled as libjpeg's
 *                        {@code jpeg_set_quality(q, force_baseline=TRUE)} does)
 * @param subsampling     chroma layout
 * @param restartInterval MCUs per restart interval, 0 for none (the paper uses 1: an RST marker after every MCU)
 * @param width           image width the model expects, or 0 for "any" (then the SOF says)
 * @param height          image height the model expects, or 0 for "any"
 */
public record JpegProfile(int quality, Subsampling subsampling, int restartInterval, int width, int height) {

    /**
     * The Jpeg-LM paper's setting: Pillow's {@code save(format='JPEG', quality=25, subsampling='4:2:0',
     * streamtype=2, restart_marker_blocks=1)} on 256×256 images.
     */
    public static final JpegProfile PAPER = new JpegProfile(25, Subsampling.S420, 1, 256, 256);

    public JpegProfile {
        Objects.requireNonNull(subsampling, "subsampling");
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100: " + quality);
        if (restartInterval < 0 || restartInterval > 0xFFFF)
            throw new IllegalArgumentException("restart interval must be 0..65535: " + restartInterval);
        if ((width == 0) != (height == 0))
            throw new IllegalArgumentException("width and height must both be 0 (any size) or both set");
        if (width < 0 || height < 0 || width > JpegParser.MAX_DIMENSION || height > JpegParser.MAX_DIMENSION)
            throw new IllegalArgumentException("size out of range: " + width + "x" + height);
    }

    /** A profile for any image size. */
    public static JpegProfile of(int quality, Subsampling subsampling, int restartInterval) {
        return new JpegProfile(quality, subsampling, restartInterval, 0, 0);
    }

    /** This profile fixed to one image size. */
    public JpegProfile withSize(int width, int height) {
        return new JpegProfile(quality, subsampling, restartInterval, width, height);
    }

    /** This profile for any image size. */
    public JpegProfile anySize() {
        return new JpegProfile(quality, subsampling, restartInterval, 0, 0);
    }

    /** This profile with another quality. */
    public JpegProfile withQuality(int quality) {
        return new JpegProfile(quality, subsampling, restartInterval, width, height);
    }

    /** This profile with another subsampling. */
    public JpegProfile withSubsampling(Subsampling subsampling) {
        return new JpegProfile(quality, subsampling, restartInterval, width, height);
    }

    /** This profile with another restart interval. */
    public JpegProfile withRestartInterval(int restartInterval) {
        return new JpegProfile(quality, subsampling, restartInterval, width, height);
    }

    /** Whether the profile fixes the image size. */
    public boolean hasSize() {
        return width > 0;
    }

    /** Number of MCUs of a {@code width}×{@code height} image under this profile. */
    public int mcuCount(int width, int height) {
        return subsampling.mcuCount(width, height);
    }

    /** The quantization and Huffman tables this profile implies (the stream itself leaves them out). */
    public JpegTables tables() {
        return JpegTables.forQuality(quality);
    }
}
