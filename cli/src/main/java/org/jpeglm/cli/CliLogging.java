package org.jpeglm.cli;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * How the library's log messages (System.Logger, backed by java.util.logging) reach a command line user: one line
 * each on the error stream, {@code jpeglm: warning: ...}; warnings and errors only, unless {@code --verbose} asks
 * for the information messages too (which library set and device were loaded, backends skipped).
 */
final class CliLogging {
    private static final Logger JPEGLM = Logger.getLogger("org.jpeglm"); // held: JUL keeps loggers weakly

    private CliLogging() {}

    static synchronized void configure(boolean verbose) {
        Level level = verbose ? Level.INFO : Level.WARNING;
        JPEGLM.setUseParentHandlers(false);
        for (var h : JPEGLM.getHandlers()) {
            JPEGLM.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new OneLine());
        handler.setLevel(level);
        JPEGLM.addHandler(handler);
        JPEGLM.setLevel(level);
    }

    /** {@code jpeglm: <level>: <message>}, the way the commands print their own warnings. */
    static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            String level = r.getLevel().intValue() >= Level.SEVERE.intValue()
                    ? "error"
                    : r.getLevel().intValue() >= Level.WARNING.intValue() ? "warning" : "info";
            // llama.cpp writes some messages with a level of their own ("warning: blk.0.attn_k.weight    - ncols"),
            // in columns: one level, single spaces.
            String message = formatMessage(r).strip().replaceAll("\\s+", " ");
            if (message.regionMatches(true, 0, level + ":", 0, level.length() + 1)) {
                message = message.substring(level.length() + 1).strip();
            }
            return "jpeglm: " + level + ": " + message + System.lineSeparator();
        }
    }
}
