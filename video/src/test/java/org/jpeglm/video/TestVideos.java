package org.jpeglm.video;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.List;

/** Small synthetic fixtures: a textured square moving across a black frame. */
final class TestVideos {
    private TestVideos() {}

    /** frames gray frames of the toy profile's size; seed shifts the texture and the path. */
    static Video moving(int frames, int seed) {
        VideoProfile p = VideoProfile.toy();
        List<BufferedImage> out = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            BufferedImage img = new BufferedImage(p.width(), p.height(), BufferedImage.TYPE_BYTE_GRAY);
            WritableRaster r = img.getRaster();
            int x0 = 2 + 2 * f + seed % 5;
            int y0 = 4 + f + seed % 7;
            for (int y = 0; y < 24; y++) {
                for (int x = 0; x < 24; x++) {
                    r.setSample(x0 + x, y0 + y, 0, (40 + 7 * x + 5 * y + 31 * seed) % 256);
                }
            }
            out.add(img);
        }
        return new Video(out, p.fps());
    }

    /** The toy profile's full-length fixture. */
    static Video moving(int seed) {
        return moving(VideoProfile.toy().frames(), seed);
    }

    /** Mean absolute difference of the luma-equal gray samples of a and b (same size). */
    static double meanAbsDiff(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                sum += Math.abs(gray(a, x, y) - gray(b, x, y));
            }
        }
        return (double) sum / (a.getWidth() * a.getHeight());
    }

    private static int gray(BufferedImage img, int x, int y) {
        return img.getType() == BufferedImage.TYPE_BYTE_GRAY
                ? img.getRaster().getSample(x, y, 0)
                : (img.getRGB(x, y) >> 8) & 0xFF;
    }
}
