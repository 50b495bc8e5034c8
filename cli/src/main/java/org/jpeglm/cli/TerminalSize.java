package org.jpeglm.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A terminal's size in character cells. */
record TerminalSize(int columns, int rows) {
    static final TerminalSize DEFAULT = new TerminalSize(80, 24);

    TerminalSize {
        if (columns < 1 || rows < 1) {
            throw new IllegalArgumentException("a terminal of " + columns + "x" + rows);
        }
    }

    /**
     * The controlling terminal's size as the terminal itself says (`stty size` on /dev/tty, which the shell does not
     * need to export), else $COLUMNS and $LINES, else 80x24.
     */
    static TerminalSize current() {
        return fromStty().or(() -> fromEnvironment(System.getenv())).orElse(DEFAULT);
    }

    private static Optional<TerminalSize> fromStty() {
        try {
            Process p = new ProcessBuilder("stty", "size")
                    .redirectInput(new File("/dev/tty"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? parseStty(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no terminal, or no stty
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** stty's "ROWS COLUMNS". */
    static Optional<TerminalSize> parseStty(String out) {
        String[] words = out.strip().split("\\s+");
        try {
            if (words.length == 2) {
                int rows = Integer.parseInt(words[0]);
                int columns = Integer.parseInt(words[1]);
                return rows > 0 && columns > 0 ? Optional.of(new TerminalSize(columns, rows)) : Optional.empty();
            }
        } catch (NumberFormatException e) {
            // not stty's answer
        }
        return Optional.empty();
    }

    static Optional<TerminalSize> fromEnvironment(Map<String, String> env) {
        try {
            int columns = Integer.parseInt(env.getOrDefault("COLUMNS", "").strip());
            int rows = Integer.parseInt(env.getOrDefault("LINES", "").strip());
            return columns > 0 && rows > 0 ? Optional.of(new TerminalSize(columns, rows)) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
