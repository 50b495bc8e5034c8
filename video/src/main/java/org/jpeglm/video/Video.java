package org.jpeglm.video;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * A short video: frames of one size, shown at fps frames per second. Empty when nothing decoded.
 *
 * @param frames the frames, in display order
 * @param fps frames per second
 */
public record Video(List<BufferedImage> frames, int fps) {
    public Video {
        frames = List.copyOf(frames);
        if (fps < 1) {
            throw new IllegalArgumentException("fps must be positive, got " + fps);
        }
        for (BufferedImage f : frames) {
            if (f.getWidth() != frames.getFirst().getWidth()
                    || f.getHeight() != frames.getFirst().getHeight()) {
                throw new IllegalArgumentException(
                        "frames differ in size: " + frames.getFirst().getWidth() + "x"
                                + frames.getFirst().getHeight() + " and " + f.getWidth() + "x" + f.getHeight());
            }
        }
    }

    /** A video without frames. */
    public static Video empty(int fps) {
        return new Video(List.of(), fps);
    }

    public int frameCount() {
        return frames.size();
    }

    public boolean isEmpty() {
        return frames.isEmpty();
    }

    /** Frame width (0 when empty). */
    public int width() {
        return frames.isEmpty() ? 0 : frames.getFirst().getWidth();
    }

    /** Frame height (0 when empty). */
    public int height() {
        return frames.isEmpty() ? 0 : frames.getFirst().getHeight();
    }

    /** The first count frames. */
    public Video firstFrames(int count) {
        Objects.checkIndex(count, frames.size() + 1);
        return new Video(frames.subList(0, count), fps);
    }
}
