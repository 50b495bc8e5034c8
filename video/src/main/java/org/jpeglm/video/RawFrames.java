package org.jpeglm.video;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.ArrayList;
import java.util.List;

/** Frames as ffmpeg's rawvideo rgb24 (packed R, G, B bytes, rows top to bottom) and back. */
final class RawFrames {
    static final String PIXEL_FORMAT = "rgb24";

    private RawFrames() {}

    /**
     * The frames as rgb24. A gray frame's samples are copied to R, G and B as they are ({@code getRGB} would
     * convert from linear gray and change them).
     */
    static byte[] toRgb24(Video video) {
        int w = video.width();
        int h = video.height();
        byte[] out = new byte[Math.multiplyExact(video.frameCount(), w * h * 3)];
        int at = 0;
        for (BufferedImage f : video.frames()) {
            if (f.getType() == BufferedImage.TYPE_BYTE_GRAY) {
                Raster r = f.getRaster();
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        byte v = (byte) r.getSample(x, y, 0);
                        out[at++] = v;
                        out[at++] = v;
                        out[at++] = v;
                    }
                }
            } else {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int rgb = f.getRGB(x, y);
                        out[at++] = (byte) (rgb >> 16);
                        out[at++] = (byte) (rgb >> 8);
                        out[at++] = (byte) rgb;
                    }
                }
            }
        }
        return out;
    }

    /** Whole rgb24 frames of w×h in bytes (a trailing partial frame is left out). */
    static List<BufferedImage> fromRgb24(byte[] bytes, int w, int h) {
        int frameBytes = w * h * 3;
        List<BufferedImage> frames = new ArrayList<>();
        for (int off = 0; off + frameBytes <= bytes.length; off += frameBytes) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int at = off;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int rgb = (bytes[at] & 0xFF) << 16 | (bytes[at + 1] & 0xFF) << 8 | (bytes[at + 2] & 0xFF);
                    img.setRGB(x, y, rgb);
                    at += 3;
                }
            }
            frames.add(img);
        }
        return frames;
    }
}
