package org.jpeglm.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jpeglm.convert.ConvertListener;

/**
 * Prints a conversion's messages to the error stream, and its progress as a bar (me.tongfei progressbar) when the
 * error stream is a terminal. Without a terminal (logs, CI) only the start and end of each phase are printed, so
 * logs are not filled with bar redraws.
 */
final class ConsoleProgress implements ConvertListener {
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean terminal;
    private ProgressBar bar;
    private String task;
    private long total;
    private long done;
    private long started;

    ConsoleProgress(PrintWriter err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
        this.terminal = Progress.isTerminal();
    }

    @Override
    public void info(String message) {
        if (!quiet) {
            err.println(message);
            err.flush();
        }
    }

    @Override
    public void warning(String message) {
        err.println("warning: " + message);
        err.flush();
    }

    @Override
    public void start(String task, long totalBytes) {
        this.task = task;
        this.total = totalBytes;
        this.done = 0;
        this.started = System.nanoTime();
        if (quiet) {
            return;
        }
        if (terminal) {
            err.flush();
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(totalBytes)
                    .setUnit(" MiB", 1 << 20)
                    .setStyle(ProgressBarStyle.ASCII)
                    .showSpeed()
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
        } else {
            err.printf("%s: %,d MiB%n", task, totalBytes >> 20);
            err.flush();
        }
    }

    @Override
    public void advance(long bytes) {
        done += bytes;
        if (bar != null) {
            bar.stepBy(bytes);
        }
    }

    @Override
    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        } else if (!quiet && task != null) {
            double s = (System.nanoTime() - started) / 1e9;
            err.printf("%s: %,d of %,d MiB in %.1f s%n", task, done >> 20, total >> 20, s);
            err.flush();
        }
        task = null;
    }
}
