package org.jpeglm.cli;

import java.io.PrintWriter;
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
        this.err = err;
        this.task = task;
        this.total = total;
        this.bar = isTerminal() && total > 1
                ? new ProgressBarBuilder()
                        .setTaskName(task)
                        .setInitialMax(total)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
                        .setUnit(" " + unit, 1)
                        .showSpeed()
                        .setConsumer(new ConsoleProgressBarConsumer(System.err))
                        .build()
                : null;
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
            bar.setExtraMessage(message);
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
