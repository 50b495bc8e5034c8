package org.jpeglm.cli;

import java.io.PrintWriter;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of a long command: a bar (me.tongfei progressbar) when the error stream is a terminal, otherwise a line
 * at every tenth, so logs stay short.
 */
final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final String task;
    private final long total;
    private final ProgressBar bar;
    private long done;
    private long lastTenth = -1;

    Progress(PrintWriter err, String task, long total, String unit) {
        this(err, task, total, unit, null);
    }

    /**
     * @param screen where the bar goes when something else shares the terminal's bottom with it (the image
     *     preview draws panel and bar together, redrawing it every {@link TerminalPreview#REDRAW_MILLIS} ms); null:
     *     the error stream, when it is a terminal and there is more than one step
     */
    Progress(PrintWriter err, String task, long total, String unit, TerminalPreview screen) {
        this.err = err;
        this.task = task;
        this.total = total;
        this.bar = screen != null || isTerminal() && total > 1
                ? new ProgressBarBuilder()
                        .setTaskName(task)
                        .setInitialMax(total)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                        .setUnit(" " + unit, 1)
                        .showSpeed(speedFormat())
                        .setUpdateIntervalMillis(screen != null ? TerminalPreview.REDRAW_MILLIS : 1000)
                        .setConsumer(screen != null ? screen : new ConsoleProgressBarConsumer(System.err))
                        .build()
                : null;
    }

    /** How the bars write their speed: "0.4", where the library's default writes ".4". */
    static DecimalFormat speedFormat() {
        return new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT));
    }

    /** Whether the process talks to a terminal (then bars and previews are drawn). */
    static boolean isTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    void step(String message) {
        done++;
        if (bar != null) {
            bar.step();
            bar.setExtraMessage(" " + message); // the bar writes it right after its speed ("img/s")
            return;
        }
        long tenth = total == 0 ? 10 : done * 10 / total;
        if (tenth != lastTenth) {
            lastTenth = tenth;
            err.printf("%s: %d/%d %s%n", task, done, total, message);
            err.flush();
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
