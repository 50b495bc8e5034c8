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
import java.util.List;
import javax.imageio.ImageIO;
import org.jpeglm.image.ImageEvent;
import org.jpeglm.jpeg.JpegImages;
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
                        "\033[38;2;0;0;0m\033[49m▀\033[38;2;128;128;128m\033[49m▀\033[0m"),
                HalfBlocks.lines(img));
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

    @Test
    void thePanelDrawsPreviewsAndMovesBackUpToRedraw() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalPreview panel = new TerminalPreview(new PrintStream(bytes, true, StandardCharsets.UTF_8), 80, 4);
        byte[] a = jpeg(image(0x112233, 0x445566, 0x778899));
        panel.onEvent(new ImageEvent.Progress(0, 3, 1, 4)); // progress alone draws nothing
        assertEquals(0, bytes.size());
        panel.onEvent(new ImageEvent.Preview(0, 1, 4, a));
        String first = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(
                first.startsWith(
                        "\r\033[K" + HalfBlocks.lines(JpegImages.decode(a)).get(0)),
                first);
        assertFalse(first.contains("\033[2A"), "nothing drawn before: no move up");
        Thread.sleep(TerminalPreview.REDRAW_MILLIS + 50);
        bytes.reset();
        panel.onEvent(new ImageEvent.Preview(0, 2, 4, a));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).startsWith("\r\033[K\033[2A"), "back up over 2 lines");
    }

    @Test
    void wideImagesAreScaledDownToTheirCells() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TerminalPreview panel = new TerminalPreview(new PrintStream(bytes, true, StandardCharsets.UTF_8), 200, 1);
        byte[] wide = jpeg(new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB));
        panel.onEvent(new ImageEvent.Preview(0, 1, 4, wide));
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(TerminalPreview.MAX_WIDTH / 2, lines.length, "64 x 64 pixels: 32 lines");
        assertEquals(
                TerminalPreview.MAX_WIDTH,
                lines[0].chars().filter(c -> c == HalfBlocks.UPPER_HALF).count());
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
