package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.jpeglm.codec.Event;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.RepairReport;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate --preview: the half-block renderer as a pure function, the panel's redraws, and nothing without a TTY. */
class PreviewCliTest {
    @TempDir
    static Path dir;

    /** A preview's file: any JPEG of the image (ImageIO's, which takes any size). */
    static byte[] jpeg(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(image, "jpg", out), "a JPEG writer");
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage image(int... rgbRows) {
        int w = rgbRows.length / 3;
        BufferedImage img = new BufferedImage(w, 3, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgbRows[y * w + x]);
            }
        }
        return img;
    }

    @Test
    void halfBlocksShowTwoPixelsPerCell() {
        // 2 x 3: rows (red, green), (blue, white), (black, gray); the odd last row keeps the terminal's background.
        BufferedImage img = image(0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF, 0x000000, 0x808080);
        assertEquals(
                List.of(
                        "\033[38;2;255;0;0m\033[48;2;0;0;255m▀\033[38;2;0;255;0m\033[48;2;255;255;255m▀\033[0m",
                        "\033[38;2;0;0;0m\033[49m▀\033[38;2;128;128;128m▀\033[0m"), // the background stays
                HalfBlocks.lines(img));
        // A colour is written where it changes along a line, not for every cell.
        BufferedImage dark = image(0, 0, 0x0A0A0A, 0, 0, 0, 0, 0, 0);
        assertEquals(
                "\033[38;2;0;0;0m\033[48;2;0;0;0m▀▀\033[38;2;10;10;10m▀\033[0m",
                HalfBlocks.lines(dark).getFirst());
    }

    @Test
    void tilesPutImagesSideBySideInRows() {
        BufferedImage a = image(0x010203, 0x040506, 0x070809);
        BufferedImage b = image(0x0A0B0C, 0x0D0E0F, 0x101112);
        List<String> one = HalfBlocks.lines(a);
        List<String> two = HalfBlocks.lines(b);
        assertEquals(
                List.of(one.get(0) + "  " + two.get(0), one.get(1) + "  " + two.get(1)),
                HalfBlocks.tile(List.of(a, b), 2, 2));
        assertEquals(List.of(one.get(0), one.get(1), two.get(0), two.get(1)), HalfBlocks.tile(List.of(a, b), 1, 2));
        assertThrows(IllegalArgumentException.class, () -> HalfBlocks.tile(List.of(a), 0, 1));
    }

    static TerminalPreview panel(ByteArrayOutputStream bytes, TerminalSize terminal, int places, int w, int h) {
        return new TerminalPreview(new PrintStream(bytes, true, StandardCharsets.UTF_8), terminal, places, w, h);
    }

    @Test
    void thePanelDrawsPreviewsAboveTheBarAndMovesBackUpToRedraw() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalPreview panel = panel(bytes, new TerminalSize(80, 24), 4, 1, 3);
        byte[] a = jpeg(image(0x112233, 0x445566, 0x778899));
        panel.onEvent(new Event.Progress<>(0, 3, 1, 4)); // progress alone draws nothing
        assertEquals(0, bytes.size());
        panel.onEvent(new Event.Preview<>(0, 1, 4, a));
        String first = bytes.toString(StandardCharsets.UTF_8);
        List<String> cells = HalfBlocks.lines(JpegImages.decode(a));
        String rest = " ".repeat(6); // three empty places of one cell, each after a gap of one
        assertEquals(
                "\r" + cells.get(0) + rest + "\033[K\n" + cells.get(1) + rest + "\033[K\n" + "\033[K",
                first,
                "4 places of 1x2 cells: the first shows the preview; the bar (none yet) below");
        Thread.sleep(TerminalPreview.REDRAW_MILLIS + 50);
        bytes.reset();
        panel.accept("generate 25% [==  ] 1/4");
        String second = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(
                "\r\033[2A\n\ngenerate 25% [==  ] 1/4\033[K",
                second,
                "back up over the panel's 2 lines, stepped over as they are unchanged, then the bar under them");
    }

    /**
     * The bar's thread may hand over a frame it rendered before the bar closed: drawn after the close's line end, it
     * would climb from the line below the bar and leave the panel a line lower with a stale first line above it.
     */
    @Test
    void nothingIsDrawnAfterTheLastFrame() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalPreview panel = panel(bytes, new TerminalSize(80, 24), 4, 1, 3);
        panel.onEvent(new Event.Preview<>(0, 1, 4, jpeg(image(0x112233, 0x445566, 0x778899))));
        panel.accept("generate 100% [====] 4/4");
        panel.close();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("generate 100% [====] 4/4\033[K\n"));
        bytes.reset();
        Thread.sleep(TerminalPreview.REDRAW_MILLIS + 50);
        panel.accept("generate 100% [====] 4/4");
        panel.onEvent(new Event.Preview<>(1, 1, 4, jpeg(image(0x998877, 0x665544, 0x332211))));
        panel.close();
        assertEquals(0, bytes.size(), bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void wideImagesAreScaledDownToTheirCells() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalPreview panel = panel(bytes, new TerminalSize(200, 100), 1, 256, 256);
        byte[] wide = jpeg(new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB));
        panel.onEvent(new Event.Preview<>(0, 1, 4, wide));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> l.indexOf(HalfBlocks.UPPER_HALF) >= 0)
                .toList();
        assertEquals(TerminalPreview.MAX_WIDTH / 2, lines.size(), "64 x 64 pixels: 32 lines");
        assertEquals(
                TerminalPreview.MAX_WIDTH,
                lines.get(0).chars().filter(c -> c == HalfBlocks.UPPER_HALF).count());
    }

    @Test
    void theLayoutFitsTheTerminal() {
        // generate -np 8 with the bundled 32x32 model: 80x24 shows all 8 at 19x19, 160x50 all 8 at full size.
        assertEquals(
                new TerminalPreview.Layout(19, 19, 4, 8),
                TerminalPreview.Layout.of(new TerminalSize(80, 24), 8, 32, 32));
        assertEquals(
                new TerminalPreview.Layout(32, 32, 4, 8),
                TerminalPreview.Layout.of(new TerminalSize(160, 50), 8, 32, 32));
        // A terminal too small for all at 8 cells shows as many as fit; one too low for any shows none.
        assertEquals(
                new TerminalPreview.Layout(8, 8, 2, 2), TerminalPreview.Layout.of(new TerminalSize(20, 6), 8, 32, 32));
        assertEquals(
                0, TerminalPreview.Layout.of(new TerminalSize(80, 4), 8, 32, 32).places());
        for (int columns : new int[] {20, 41, 80, 132, 160, 300}) {
            for (int rows : new int[] {3, 10, 24, 50, 100}) {
                for (int places : new int[] {1, 2, 8, 16, 64, 256}) {
                    for (int[] size : new int[][] {{32, 32}, {256, 256}, {64, 16}, {16, 64}}) {
                        TerminalPreview.Layout l =
                                TerminalPreview.Layout.of(new TerminalSize(columns, rows), places, size[0], size[1]);
                        String what = l + " in " + columns + "x" + rows;
                        assertTrue(l.lines() <= rows - 2, "the panel leaves the bar's line and one: " + what);
                        assertTrue(l.perRow() * (l.cellWidth() + 1) - 1 <= columns, "no line wraps: " + what);
                        assertTrue(l.places() <= places, what);
                    }
                }
            }
        }
    }

    @Test
    void theTerminalSizeIsReadFromSttyElseTheEnvironment() {
        assertEquals(Optional.of(new TerminalSize(80, 24)), TerminalSize.parseStty("24 80\n"));
        assertEquals(Optional.empty(), TerminalSize.parseStty("0 0\n"), "no size: a pseudo-terminal never sized");
        assertEquals(Optional.empty(), TerminalSize.parseStty("stty: 'standard input': Inappropriate ioctl"));
        assertEquals(
                Optional.of(new TerminalSize(160, 50)),
                TerminalSize.fromEnvironment(Map.of("COLUMNS", "160", "LINES", "50")));
        assertEquals(Optional.empty(), TerminalSize.fromEnvironment(Map.of("COLUMNS", "160")));
        assertEquals(TerminalSize.DEFAULT, new TerminalSize(80, 24));
    }

    @Test
    void theLastFrameShowsTheFinishedImagesAndTheClosedBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalPreview panel = panel(bytes, new TerminalSize(80, 24), 2, 1, 3);
        byte[][] images = new byte[4][];
        for (int i = 0; i < 4; i++) {
            images[i] = jpeg(image(0x101010 * (i + 1), 0x202020 * (i + 1), 0x303030 * (i + 1)));
        }
        for (int i = 0; i < 4; i++) { // two at a time: 2 and 3 take the places of 0 and 1 when those finish
            panel.onEvent(new Event.Preview<>(i, 1, 2, images[i]));
            panel.onEvent(new Event.Finished<>(i, generated(i, images[i])));
        }
        panel.accept("generate 100% 4/4 done");
        bytes.reset();
        panel.close();
        String last = bytes.toString(StandardCharsets.UTF_8);
        List<String> expected = HalfBlocks.tile(
                List.of(JpegImages.decode(images[2]), JpegImages.decode(images[3])), 2, TerminalPreview.GAP);
        assertEquals(
                "\r\033[2A" + expected.get(0) + "\033[K\n" + expected.get(1) + "\033[K\ngenerate 100% 4/4 done\033[K\n",
                last);
    }

    /** A finished image of those bytes (the rest of the record does not matter to the panel). */
    static GeneratedImage generated(int index, byte[] jpeg) {
        return new GeneratedImage(
                index,
                7,
                jpeg,
                jpeg,
                JpegImages.decode(jpeg),
                1,
                0,
                GeneratedImage.StopReason.EOI,
                new RepairReport(true, 1, 1, 1, 0, 0, 0, 0, 0, 0, false, false, 0, List.of()),
                Duration.ZERO);
    }

    @Test
    void withoutATerminalPreviewChangesNothing() throws IOException {
        assertFalse(Progress.isTerminal(), "tests run without a terminal");
        Path model = dir.resolve("tiny.gguf");
        TinyJpegLm.write(model, 5);
        String[] args = {"generate", "-m", model.toString(), "-n", "3", "-np", "2", "-t", "2", "--seed", "3", "-o"};
        CliTest.Run plain = CliTest.run(concat(args, dir.resolve("plain").toString()));
        CliTest.Run preview = CliTest.run(concat(args, dir.resolve("preview").toString(), "--preview"));
        assertEquals(0, preview.exit(), preview.err());
        assertEquals(plain.err(), preview.err());
        assertFalse(preview.out().contains("\033") || preview.err().contains("\033"), "no escape sequences");
        for (int i = 0; i < 3; i++) {
            String name = String.format("image-%04d.jpg", i);
            assertArrayEquals(
                    Files.readAllBytes(dir.resolve("plain").resolve(name)),
                    Files.readAllBytes(dir.resolve("preview").resolve(name)));
        }
    }

    static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
