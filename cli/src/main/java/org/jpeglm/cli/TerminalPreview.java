package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jpeglm.image.ImageEvent;
import org.jpeglm.jpeg.JpegImages;

/**
 * Draws the images being generated above the progress bar, as half blocks ({@link HalfBlocks}), each replaced by
 * its latest preview as it forms: at most every {@link #REDRAW_MILLIS} ms, as many as fit the terminal's width,
 * in one write per redraw (so the bar's own redraws never land inside it). Only for a terminal: the caller decides.
 */
final class TerminalPreview {
    static final int REDRAW_MILLIS = 100;
    private static final int GAP = 1;
    static final int MAX_WIDTH = 64; // a 256×256 image would fill the screen: shown 64 cells wide, 32 lines high

    private final PrintStream out;
    private final int columns;
    private final int maxImages;
    private final Map<Integer, BufferedImage> forming = new TreeMap<>();
    private int drawnLines;
    private long drawnAt;

    /**
     * @param columns the terminal's width in characters
     * @param maxImages most images shown at once (the images generated together)
     */
    TerminalPreview(PrintStream out, int columns, int maxImages) {
        this.out = out;
        this.columns = columns;
        this.maxImages = maxImages;
        this.drawnAt = System.nanoTime() - REDRAW_MILLIS * 1_000_000L; // the first preview draws at once
    }

    /** Takes an image's event: a preview shows, a finished image leaves the panel. */
    void onEvent(ImageEvent event) {
        switch (event) {
            case ImageEvent.Preview p -> forming.put(p.index(), p.image());
            case ImageEvent.Finished f -> forming.remove(f.index());
            case ImageEvent.Progress p -> {
                return;
            }
        }
        long now = System.nanoTime();
        if (now - drawnAt >= REDRAW_MILLIS * 1_000_000L) {
            drawnAt = now;
            draw();
        }
    }

    /** The image, scaled down to at most MAX_WIDTH pixels (and the terminal's width): one character cell each. */
    private BufferedImage fitted(BufferedImage image) {
        int most = Math.min(MAX_WIDTH, columns);
        if (image.getWidth() <= most) {
            return image;
        }
        int height = Math.max(1, image.getHeight() * most / image.getWidth());
        return JpegImages.fit(image, most, height);
    }

    private void draw() {
        List<BufferedImage> shown = new ArrayList<>(forming.values());
        if (shown.isEmpty()) {
            return;
        }
        shown = shown.subList(0, Math.min(shown.size(), maxImages)).stream()
                .map(this::fitted)
                .toList();
        int width = shown.getFirst().getWidth();
        int perRow = Math.max(1, (columns + GAP) / (width + GAP));
        List<String> lines = HalfBlocks.tile(shown, perRow, GAP);
        StringBuilder s = new StringBuilder("\r\033[K"); // the bar's line, cleared: it redraws itself below
        if (drawnLines > 0) {
            s.append("\033[").append(drawnLines).append('A'); // back to the panel's first line
        }
        int total = Math.max(drawnLines, lines.size()); // the panel never shrinks: no stale lines below it
        for (int k = 0; k < total; k++) {
            s.append(k < lines.size() ? lines.get(k) : "").append("\033[K\n");
        }
        drawnLines = total;
        out.print(s);
        out.flush();
    }
}
