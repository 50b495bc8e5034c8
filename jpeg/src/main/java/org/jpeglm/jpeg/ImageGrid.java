package org.jpeglm.jpeg;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Lays many images out in one picture, row by row, for looking at a batch of samples at once. */
public final class ImageGrid {
    private ImageGrid() {}

    /**
     * A grid of {@code columns} columns; each cell is as large as the largest image, images sit in their
     * cell's top-left corner, {@code gap} pixels of {@code background} separate and surround the cells.
     */
    public static BufferedImage compose(List<BufferedImage> images, int columns, int gap, Color background) {
        if (images.isEmpty()) throw new IllegalArgumentException("no images");
        if (columns < 1 || gap < 0) throw new IllegalArgumentException("columns >= 1 and gap >= 0 required");
        int cw = 0, ch = 0;
        for (BufferedImage im : images) {
            cw = Math.max(cw, im.getWidth());
            ch = Math.max(ch, im.getHeight());
        }
        int cols = Math.min(columns, images.size()), rows = Subsampling.ceilDiv(images.size(), cols);
        long w = (long) cols * (cw + gap) + gap, h = (long) rows * (ch + gap) + gap;
        if (w * h > Integer.MAX_VALUE / 4) throw new IllegalArgumentException("grid too large: " + w + "x" + h);
        var out = new BufferedImage((int) w, (int) h, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(background);
            g.fillRect(0, 0, (int) w, (int) h);
            for (int i = 0; i < images.size(); i++) {
                int x = gap + (i % cols) * (cw + gap), y = gap + (i / cols) * (ch + gap);
                g.drawImage(images.get(i), x, y, null);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** A grid with a 2-pixel white gap. */
    public static BufferedImage compose(List<BufferedImage> images, int columns) {
        return compose(images, columns, 2, Color.WHITE);
    }

    /** Writes {@link #compose(List, int)} as a PNG file. */
    public static void writePng(List<BufferedImage> images, int columns, Path file) throws IOException {
        JpegImages.writePng(compose(images, columns), file);
    }
}
