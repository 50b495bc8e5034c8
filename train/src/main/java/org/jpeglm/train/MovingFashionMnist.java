package org.jpeglm.train;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jpeglm.video.Video;

/**
 * "Moving Fashion-MNIST", made deterministically: one or two Fashion-MNIST items (white on black) moving in
 * straight lines on a black square and bouncing off its edges, overlapping items showing the brighter pixel, as
 * Moving MNIST does with digits. Video i depends only on the seed, i and the item list, never on other videos.
 *
 * @param items the Fashion-MNIST items to draw from
 * @param side the frame side in pixels (at least 28)
 * @param frames frames per video
 * @param fps frames per second
 * @param seed the dataset's seed
 */
public record MovingFashionMnist(List<FashionMnist.Item> items, int side, int frames, int fps, long seed) {
    /** Slowest and fastest speed of an item, in pixels per frame. */
    static final double MIN_SPEED = 2;

    static final double MAX_SPEED = 5;

    public MovingFashionMnist {
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("no Fashion-MNIST items to draw from");
        }
        if (side < FashionMnist.SIDE || side > 4096 || frames < 1 || fps < 1) {
            throw new IllegalArgumentException("side must be " + FashionMnist.SIDE + "..4096, frames and fps >= 1");
        }
    }

    /** One moving item: its image and where it is. */
    private static final class Sprite {
        final Raster image;
        double x;
        double y;
        double vx;
        double vy;

        Sprite(Raster image, double x, double y, double vx, double vy) {
            this.image = image;
            this.x = x;
            this.y = y;
            this.vx = vx;
            this.vy = vy;
        }

        /** One frame's motion, reflected at the edges [0, max]. */
        void step(double max) {
            x += vx;
            y += vy;
            if (x < 0 || x > max) {
                vx = -vx;
                x = x < 0 ? -x : 2 * max - x;
            }
            if (y < 0 || y > max) {
                vy = -vy;
                y = y < 0 ? -y : 2 * max - y;
            }
        }
    }

    /** Video i. */
    public Video video(int i) {
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
        int count = 1 + rng.nextInt(2);
        double max = side - FashionMnist.SIDE;
        List<Sprite> sprites = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            Raster img = items.get(rng.nextInt(items.size())).image().getRaster();
            double angle = rng.nextDouble(2 * Math.PI);
            double speed = rng.nextDouble(MIN_SPEED, MAX_SPEED);
            sprites.add(new Sprite(
                    img,
                    rng.nextDouble(max + 1e-9),
                    rng.nextDouble(max + 1e-9),
                    speed * Math.cos(angle),
                    speed * Math.sin(angle)));
        }
        List<BufferedImage> out = new ArrayList<>(frames);
        for (int f = 0; f < frames; f++) {
            out.add(draw(sprites));
            sprites.forEach(s -> s.step(max));
        }
        return new Video(out, fps);
    }

    /** The first count videos. */
    public List<Video> videos(int from, int count) {
        List<Video> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(video(i));
        }
        return out;
    }

    private BufferedImage draw(List<Sprite> sprites) {
        BufferedImage frame = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster r = frame.getRaster();
        for (Sprite s : sprites) {
            int x0 = (int) Math.round(s.x);
            int y0 = (int) Math.round(s.y);
            for (int y = 0; y < FashionMnist.SIDE; y++) {
                for (int x = 0; x < FashionMnist.SIDE; x++) {
                    int v = Math.max(r.getSample(x0 + x, y0 + y, 0), s.image.getSample(x, y, 0));
                    r.setSample(x0 + x, y0 + y, 0, v);
                }
            }
        }
        return frame;
    }
}
