package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.igpt.GeneratedPixels;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.jpeg.JpegImages;

/**
 * The bottom of the terminal while images are generated: a panel of the images forming, as half blocks
 * ({@link HalfBlocks}), and the progress bar under it. The bar's library renders the bar's text and hands it here
 * (this is its consumer), so panel and bar are drawn by one writer, in one write per frame: neither covers the
 * other, and the bar shows in every frame.
 *
 * <p>The panel is sized once, to the terminal's rows and columns: as many places as images are generated together,
 * each image scaled down until all fit above the bar (no smaller than {@link #MIN_WIDTH} cells; a terminal too small
 * for all shows as many as fit). A place shows its image's latest preview, then the finished image until the place
 * is taken by a new image, so the last frame shows finished images only. Frames are drawn at most every
 * {@link #REDRAW_MILLIS} ms, and once more when the bar closes. Only for a terminal: the caller decides.
 */
final class TerminalPreview implements ProgressBarConsumer {
    static final int REDRAW_MILLIS = 100;
    static final int GAP = 1;
    static final int MAX_WIDTH = 64; // a 256×256 image would fill the screen: shown 64 cells wide, 32 lines high
    static final int MIN_WIDTH = 8;

    /** Where the images go: cells per image (pixels: cells wide, pixelHeight high), per row, and how many. */
    record Layout(int cellWidth, int pixelHeight, int perRow, int places) {
        int imageLines() {
            return (pixelHeight + 1) / 2;
        }

        int lines() {
            return places == 0 ? 0 : (places + perRow - 1) / perRow * imageLines();
        }

        /**
         * The largest images for which places images of width×height pixels fit in the terminal above the bar
         * (and one line above the panel, the command's header): all of them if they fit at MIN_WIDTH cells.
         */
        static Layout of(TerminalSize terminal, int places, int width, int height) {
            int lines = terminal.rows() - 2;
            int widest = Math.min(Math.min(width, MAX_WIDTH), terminal.columns());
            int narrowest = Math.min(MIN_WIDTH, widest);
            for (int cells = widest; ; cells--) {
                int pixels = Math.max(1, Math.round(height * cells / (float) width));
                int perRow = Math.max(1, Math.min(places, (terminal.columns() + GAP) / (cells + GAP)));
                Layout all = new Layout(cells, pixels, perRow, places);
                if (all.lines() <= lines) {
                    return all;
                }
                if (cells == narrowest) {
                    int rows = Math.max(0, lines / all.imageLines());
                    return new Layout(cells, pixels, perRow, Math.min(places, rows * perRow));
                }
            }
        }
    }

    /**
     * One place of the panel: whose image it shows, its latest preview or finished image (decoded, fitted and turned
     * into lines only when a frame shows it), and when it finished (0: forming).
     */
    private static final class Place {
        int index = -1;
        Supplier<BufferedImage> latest;
        List<String> lines;
        long finished;
    }

    private final PrintStream out;
    private final TerminalSize terminal;
    private final Layout layout;
    private final Place[] places;
    private String bar = "";
    private long finishedCount;
    private List<String> drawn; // the panel's lines on screen, the cursor on the bar's line; null: nothing drawn
    private long drawnAt;
    private boolean closed; // the last frame is drawn and its line ended: nothing more may draw

    /**
     * @param places images generated together (each gets a place, as the terminal allows)
     * @param width the images' width in pixels
     * @param height their height
     */
    TerminalPreview(PrintStream out, TerminalSize terminal, int places, int width, int height) {
        this.out = out;
        this.terminal = terminal;
        this.layout = Layout.of(terminal, places, width, height);
        this.places = new Place[layout.places()];
        for (int i = 0; i < this.places.length; i++) {
            this.places[i] = new Place();
        }
        this.drawnAt = System.nanoTime() - REDRAW_MILLIS * 1_000_000L; // the first event draws at once
    }

    Layout layout() {
        return layout;
    }

    /** Takes a JPEG image's event (on the generating thread): a preview or the finished image shows in its place. */
    void onEvent(Event<GeneratedImage> event) {
        onEvent(event, JpegImages::decode, GeneratedImage::image);
    }

    /** Takes a pixel image's event: a preview (a PNG of its rows so far) or the finished image shows in its place. */
    void onPixels(Event<GeneratedPixels> event) {
        onEvent(event, TerminalPreview::png, GeneratedPixels::image);
    }

    /** Shows a preview (its file decoded by preview, on the caller's thread) or the finished result (as image). */
    private synchronized <R> void onEvent(
            Event<R> event, Function<byte[], BufferedImage> preview, Function<R, BufferedImage> image) {
        switch (event) {
            case Event.Preview<R> p -> show(p.index(), () -> preview.apply(p.file()), false);
            case Event.Finished<R> f -> show(f.index(), () -> image.apply(f.result()), true);
            case Event.Progress<R> p -> {
                return;
            }
        }
        drawIfDue();
    }

    private static BufferedImage png(byte[] file) {
        try {
            return ImageIO.read(new ByteArrayInputStream(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // from memory: does not happen
        }
    }

    private void show(int index, Supplier<BufferedImage> image, boolean finished) {
        Place place = placeOf(index);
        if (place == null) {
            return; // the terminal has room for fewer images than are generated together
        }
        place.index = index;
        place.latest = image;
        place.lines = null;
        place.finished = finished ? ++finishedCount : 0;
    }

    /** The image's place, else an empty one, else the one whose image finished first; null when all are forming. */
    private Place placeOf(int index) {
        Place empty = null;
        Place oldest = null;
        for (Place p : places) {
            if (p.index == index) {
                return p;
            }
            if (p.index == -1 && empty == null) {
                empty = p;
            }
            if (p.finished != 0 && (oldest == null || p.finished < oldest.finished)) {
                oldest = p;
            }
        }
        return empty != null ? empty : oldest;
    }

    /** The bar's text, from the bar's own thread. */
    @Override
    public synchronized void accept(String rendered) {
        bar = rendered;
        drawIfDue();
    }

    @Override
    public int getMaxRenderedLength() {
        return Math.max(1, terminal.columns() - 1); // never the last column: no terminal wraps the line
    }

    /**
     * The last frame, whole and whenever it is due, and the line ended: what follows is written below it. A frame the
     * bar's thread rendered before the close but hands over after it is dropped: drawn from the line below the bar, it
     * would move the panel down a line and leave a stale copy of its first line above it.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        draw(true);
        out.print('\n');
        out.flush();
        closed = true;
    }

    private void drawIfDue() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (now - drawnAt >= REDRAW_MILLIS * 1_000_000L) {
            drawnAt = now;
            draw(false);
        }
    }

    /**
     * One frame: from the panel's first line (the cursor is on the bar's), each line that changed (all, when whole)
     * written and cleared after its text, each other one stepped over; then the bar's line.
     */
    private void draw(boolean whole) {
        List<String> lines = panel();
        StringBuilder s = new StringBuilder("\r");
        if (drawn != null && !drawn.isEmpty()) {
            s.append("\033[").append(drawn.size()).append('A');
        }
        for (int k = 0; k < lines.size(); k++) {
            if (whole || drawn == null || !lines.get(k).equals(drawn.get(k))) {
                s.append(lines.get(k)).append("\033[K");
            }
            s.append('\n');
        }
        s.append(bar).append("\033[K");
        drawn = lines;
        out.print(s);
        out.flush();
    }

    private List<String> panel() {
        List<List<String>> blocks = new ArrayList<>();
        for (Place p : places) {
            if (p.lines == null && p.latest != null) {
                BufferedImage image = p.latest.get(); // a preview is decoded here, once, when a frame shows it
                p.lines = HalfBlocks.lines(
                        image.getWidth() == layout.cellWidth() && image.getHeight() == layout.pixelHeight()
                                ? image
                                : JpegImages.fit(image, layout.cellWidth(), layout.pixelHeight()));
            }
            blocks.add(p.lines != null ? p.lines : HalfBlocks.blank(layout.cellWidth(), layout.imageLines()));
        }
        return HalfBlocks.tileBlocks(blocks, layout.perRow(), GAP);
    }
}
