package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Images as terminal text: each character cell shows two pixels, one above the other, as an upper half block
 * ({@code ▀}) whose 24-bit foreground colour is the upper pixel and background colour the lower one. A pure
 * function of the images: no terminal is looked at.
 */
final class HalfBlocks {
    static final char UPPER_HALF = '\u2580';
    static final String RESET = "\033[0m";

    private HalfBlocks() {}

    /** The lines showing image: ⌈height / 2⌉ of width cells, each ending with a colour reset. */
    static List<String> lines(BufferedImage image) {
        List<String> lines = new ArrayList<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            StringBuilder line = new StringBuilder(image.getWidth() * 40);
            for (int x = 0; x < image.getWidth(); x++) {
                colour(line, 38, image.getRGB(x, y));
                if (y + 1 < image.getHeight()) {
                    colour(line, 48, image.getRGB(x, y + 1));
                } else {
                    line.append("\033[49m"); // an odd last row: the lower half is the terminal's own background
                }
                line.append(UPPER_HALF);
            }
            lines.add(line.append(RESET).toString());
        }
        return lines;
    }

    /**
     * Images side by side, gap spaces apart, in rows of at most perRow images; images of one row must share a
     * height. Each returned line ends with a colour reset.
     */
    static List<String> tile(List<BufferedImage> images, int perRow, int gap) {
        if (perRow < 1) {
            throw new IllegalArgumentException("perRow must be at least 1, got " + perRow);
        }
        List<String> out = new ArrayList<>();
        for (int from = 0; from < images.size(); from += perRow) {
            List<List<String>> row = new ArrayList<>();
            for (BufferedImage image : images.subList(from, Math.min(images.size(), from + perRow))) {
                row.add(lines(image));
            }
            for (int k = 0; k < row.getFirst().size(); k++) {
                StringBuilder line = new StringBuilder();
                for (List<String> image : row) {
                    if (!line.isEmpty()) {
                        line.append(" ".repeat(gap));
                    }
                    line.append(image.get(k));
                }
                out.add(line.toString());
            }
        }
        return out;
    }

    /** "\033[{38|48};2;r;g;bm": a 24-bit foreground (38) or background (48) colour. */
    private static void colour(StringBuilder line, int layer, int rgb) {
        line.append("\033[")
                .append(layer)
                .append(";2;")
                .append((rgb >> 16) & 0xFF)
                .append(';')
                .append((rgb >> 8) & 0xFF)
                .append(';')
                .append(rgb & 0xFF)
                .append('m');
    }
}
