package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.jpeglm.jpeg.JpegImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code generate --preview} as a terminal shows it: the command runs in a tmux pane of 80×24 and of 160×50
 * (tmux: scripts/install-prerequisites --test), and the test reads the pane's screen while it runs and at the end.
 * The bar is on screen in every capture once drawn, the panel keeps its height and fits the pane, and the last
 * screen is the panel of finished images (each tile, read back from its cells' colours, is exactly one of the
 * images the run wrote), the completed bar right under it, then the summary: nothing overflows, nothing stale,
 * no gap.
 */
class PreviewTerminalTest {
    static final Path MODEL = InstallationTest.REPOSITORY.resolve(ModelArgs.BUNDLED);
    static final Pattern BAR_STARTED = Pattern.compile("generate +\\d{1,3}% .*");
    /** The finished bar; its rate is "?" when the run took under a second (the bar's own clock), as the Q8_0 model can. */
    static final Pattern BAR_DONE = Pattern.compile(
            "generate 100% \\S+ 16/16 img \\(\\d+:\\d\\d:\\d\\d / 0:00:00\\) (\\d+\\.\\d|\\?) img/s (clean|repaired)");

    static final String HALF = String.valueOf(HalfBlocks.UPPER_HALF);

    @TempDir
    Path dir;

    @Test
    void at80x24() throws Exception {
        // 8 places of the 32x32 model: 4 a row at 19x19 cells (10 lines), 2 rows, above the bar.
        check(80, 24, 19, 20);
    }

    @Test
    void at160x50() throws Exception {
        // At full size, 32x32 cells (16 lines), 4 a row, 2 rows.
        check(160, 50, 32, 32);
    }

    private void check(int columns, int rows, int cells, int panelLines) throws Exception {
        Path out = dir.resolve("out");
        List<String> screens = new ArrayList<>();
        String last;
        String plainAll;
        try (Tmux tmux = Tmux.start(dir, columns, rows, command(out))) {
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            do {
                Thread.sleep(150);
                screens.add(tmux.capture(false, false));
                assertTrue(System.nanoTime() < deadline, "no end within 5 minutes:\n" + screens.getLast());
            } while (!screens.getLast().contains("EXIT="));
            plainAll = tmux.capture(false, true);
            last = tmux.capture(true, true);
        }
        String plain = screens.getLast();
        assertTrue(plain.contains("EXIT=0"), plain);

        int barAt = -1; // where the bar is: the same line on every screen once drawn, until the summary
        for (String screen : screens.subList(0, screens.size() - 1)) {
            List<String> lines = screen.lines().toList();
            long bars =
                    lines.stream().filter(l -> BAR_STARTED.matcher(l).matches()).count();
            if (barAt < 0 && bars > 0) {
                barAt = indexOf(lines, BAR_STARTED);
            }
            if (barAt >= 0 && !screen.contains(" images in ")) {
                assertEquals(1, bars, "one bar on every screen once it is drawn:\n" + screen);
                assertEquals(barAt, indexOf(lines, BAR_STARTED), "the panel keeps its height:\n" + screen);
                for (int k = 0; k < lines.size(); k++) {
                    boolean inPanel = k >= barAt - panelLines && k < barAt;
                    assertTrue(inPanel || !lines.get(k).contains(HALF), "image cells outside the panel:\n" + screen);
                }
            }
        }
        assertTrue(barAt >= panelLines && barAt < rows, "the bar was drawn under the panel: " + screens);

        List<String> lines = plainAll.lines().toList(); // the scrollback too: the summary may push the panel up
        int bar = indexOf(lines, BAR_DONE);
        assertTrue(bar >= panelLines, "a completed bar:\n" + plainAll);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("generate ")).count(), "one bar:\n" + plainAll);
        assertTrue(lines.get(bar + 1).startsWith("16 images in "), "the summary right under the bar:\n" + plainAll);
        for (int k = bar - panelLines; k < bar; k++) {
            assertEquals(
                    4 * cells,
                    lines.get(k).chars().filter(c -> c == HalfBlocks.UPPER_HALF).count(),
                    plainAll);
        }
        // Seen once in a full test run: a 21st line of cells above the panel, what a frame drawn after the bar's close
        // leaves (TerminalPreview now drops such frames; not reproduced in 40 runs alone). The screens as they came
        // are in the message, should it be something else.
        assertFalse(
                lines.get(bar - panelLines - 1).contains(HALF),
                "the panel is " + panelLines + " lines:\n" + plainAll + "\nthe screens as they came:\n"
                        + String.join("\n----\n", screens));

        List<int[][]> coloured = Cells.parse(last.lines().toList());
        List<BufferedImage> tiles = tiles(coloured.subList(bar - panelLines, bar), cells);
        assertEquals(8, tiles.size());
        List<BufferedImage> written = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            BufferedImage image =
                    ImageIO.read(out.resolve(String.format("image-%04d.png", i)).toFile());
            written.add(cells == image.getWidth() ? image : JpegImages.fit(image, cells, cells));
        }
        Set<Integer> shown = new HashSet<>();
        for (BufferedImage tile : tiles) {
            int match = -1;
            for (int i = 0; i < written.size() && match < 0; i++) {
                match = same(tile, written.get(i)) ? i : -1;
            }
            assertTrue(
                    match >= 0,
                    "each tile of the last screen is a finished image, not a preview: " + row(tile) + " is none of "
                            + written.stream().map(PreviewTerminalTest::row).toList());
            shown.add(match);
        }
        assertEquals(8, shown.size(), "8 different images: " + shown);
    }

    private static int indexOf(List<String> lines, Pattern p) {
        for (int k = 0; k < lines.size(); k++) {
            if (p.matcher(lines.get(k)).matches()) {
                return k;
            }
        }
        return -1;
    }

    /** The command in the pane: this build's CLI on the bundled model, then its exit code. */
    private String command(Path out) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return String.join(
                        " ",
                        quote(java),
                        "--enable-native-access=ALL-UNNAMED",
                        quote("-Djpeglm.library.path=" + System.getProperty("jpeglm.library.path")),
                        "-cp",
                        quote(System.getProperty("java.class.path")),
                        JpeglmCli.class.getName(),
                        "generate -m",
                        quote(MODEL.toString()),
                        "-n 16 -np 8 -t 1 --seed 7 --preview -o",
                        quote(out.toString()))
                + "; echo EXIT=$?";
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** The images of a panel's cells: 2 rows of 4 square tiles, cells wide, one column apart. */
    static List<BufferedImage> tiles(List<int[][]> lines, int cells) {
        int tileLines = lines.size() / 2;
        List<BufferedImage> tiles = new ArrayList<>();
        for (int row = 0; row < 2; row++) {
            List<int[][]> rowLines = lines.subList(row * tileLines, (row + 1) * tileLines);
            for (int t = 0; t < 4; t++) {
                BufferedImage tile = new BufferedImage(cells, cells, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < cells; y++) {
                    for (int x = 0; x < cells; x++) {
                        int[] cell = rowLines.get(y / 2)[t * (cells + 1) + x];
                        assertNotNull(cell, "a half block at row " + row + ", tile " + t + ", cell " + x);
                        tile.setRGB(x, y, cell[y % 2]); // the upper pixel is the foreground, the lower the background
                    }
                }
                tiles.add(tile);
            }
        }
        return tiles;
    }

    private static String row(BufferedImage image) {
        StringBuilder s = new StringBuilder();
        for (int x = 0; x < image.getWidth(); x++) {
            s.append(Integer.toHexString(image.getRGB(x, image.getHeight() / 2) & 0xFFFFFF))
                    .append(' ');
        }
        return s.toString();
    }

    private static boolean same(BufferedImage a, BufferedImage b) {
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                if ((a.getRGB(x, y) & 0xFFFFFF) != (b.getRGB(x, y) & 0xFFFFFF)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A pane's lines as cells: for each column, {foreground, background} (-1: the terminal's own), or null where
     * there is no half block. tmux writes a colour only where it changes, also from one line to the next.
     */
    static final class Cells {
        private static final Pattern SGR = Pattern.compile("\033\\[([0-9;]*)m");

        static List<int[][]> parse(List<String> lines) {
            List<int[][]> parsed = new ArrayList<>();
            int fg = -1;
            int bg = -1;
            for (String line : lines) {
                List<int[]> cells = new ArrayList<>();
                Matcher m = SGR.matcher(line);
                int at = 0;
                while (at < line.length()) {
                    if (m.find(at) && m.start() == at) {
                        String[] codes = m.group(1).isEmpty()
                                ? new String[] {"0"}
                                : m.group(1).split(";");
                        for (int i = 0; i < codes.length; i++) {
                            switch (codes[i]) {
                                case "0" -> fg = bg = -1;
                                case "39" -> fg = -1;
                                case "49" -> bg = -1;
                                case "38", "48" -> {
                                    int rgb = Integer.parseInt(codes[i + 2]) << 16
                                            | Integer.parseInt(codes[i + 3]) << 8
                                            | Integer.parseInt(codes[i + 4]);
                                    if (codes[i].equals("38")) {
                                        fg = rgb;
                                    } else {
                                        bg = rgb;
                                    }
                                    i += 4;
                                }
                                default -> {}
                            }
                        }
                        at = m.end();
                        continue;
                    }
                    cells.add(line.charAt(at) == HalfBlocks.UPPER_HALF ? new int[] {fg, bg} : null);
                    at++;
                }
                parsed.add(cells.toArray(int[][]::new));
            }
            return parsed;
        }
    }

    /** A tmux server of its own (its own socket) running one pane of the given size. */
    record Tmux(Path socket) implements AutoCloseable {
        static Tmux start(Path dir, int columns, int rows, String command) throws Exception {
            Path script = Files.writeString(dir.resolve("run.sh"), command + "\nsleep 600\n");
            Tmux t = new Tmux(dir.resolve("tmux.sock"));
            t.run("new-session", "-d", "-x", "" + columns, "-y", "" + rows, "bash " + script);
            return t;
        }

        /** The pane's screen, with its colours as escape sequences, and with its scrollback before it. */
        String capture(boolean colours, boolean history) throws Exception {
            List<String> args = new ArrayList<>(List.of("capture-pane", "-p"));
            if (colours) {
                args.add("-e");
            }
            if (history) {
                args.addAll(List.of("-S", "-"));
            }
            return run(args.toArray(String[]::new));
        }

        private String run(String... args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
            command.addAll(List.of(args));
            Process p;
            try {
                p = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectInput(new File("/dev/null"))
                        .start();
            } catch (IOException e) {
                throw new IOException("tmux is needed (scripts/install-prerequisites --test installs it)", e);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
            return out;
        }

        @Override
        public void close() throws Exception {
            run("kill-server");
        }
    }
}
