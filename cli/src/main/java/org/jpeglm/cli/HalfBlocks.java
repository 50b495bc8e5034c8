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

    /**
     * The lines showing image: ⌈height / 2⌉ of width cells, each ending with a colour reset. A colour is written only
     * where it changes along the line (a dark background is mostly one colour: far fewer bytes to the terminal).
     */
    static List<String> lines(BufferedImage image) {
        List<String> lines = new ArrayList<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            StringBuilder line = new StringBuilder(image.getWidth() * 40);
            int fg = -1;
            int bg = -1; // -1: not set on this line yet; -2: the terminal's own background
            for (int x = 0; x < image.getWidth(); x++) {
                int upper = image.getRGB(x, y) & 0xFFFFFF;
                int lower = y + 1 < image.getHeight() ? image.getRGB(x, y + 1) & 0xFFFFFF : -2;
                if (upper != fg) {
                    colour(line, 38, fg = upper);
                }
                if (lower != bg && lower == -2) {
                    line.append("\033[49m"); // an odd last row: the lower half is the terminal's own background
                } else if (lower != bg) {
                    colour(line, 48, lower);
                }
                bg = lower;
                line.append(UPPER_HALF);
            }
            lines.add(line.append(RESET).toString());
        }
        return lines;
    }

    /** width cells of nothing, lines high: a place where no image is yet. */
    static List<String> blank(int width, int lines) {
        return java.util.Collections.nCopies(lines, " ".repeat(width));
    }

    /**
     * Images side by side, gap spaces apart, in rows of at most perRow images; images of one row must share a
     * height. Each returned line ends with a colour reset.
     */
    static List<String> tile(List<BufferedImage> images, int perRow, int gap) {
        return tileBlocks(images.stream().map(HalfBlocks::lines).toList(), perRow, gap);
    }

    /** {@link #tile} of images already turned into lines ({@link #lines}, {@link #blank}), all as high in a row. */
    static List<String> tileBlocks(List<List<String>> blocks, int perRow, int gap) {
        if (perRow < 1) {
            throw new IllegalArgumentException("perRow must be at least 1, got " + perRow);
        }
        List<String> out = new ArrayList<>();
        for (int from = 0; from < blocks.size(); from += perRow) {
            List<List<String>> row = blocks.subList(from, Math.min(blocks.size(), from + perRow));
            for (int k = 0; k < row.getFirst().size(); k++) {
                StringBuilder line = new StringBuilder();
                for (List<String> block : row) {
                    if (!line.isEmpty()) {
                        line.append(" ".repeat(gap));
                    }
                    line.append(block.get(k));
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
