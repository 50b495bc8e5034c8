package org.jpeglm.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jpeglm.convert.ByteSize;
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
            boolean small = totalBytes < 1 << 20; // in MiB the bar of a small file would read "0/0 MiB"
            bar = new ProgressBarBuilder()
                    .setTaskName(task)
                    .setInitialMax(totalBytes)
                    .setUnit(small ? " KiB" : " MiB", small ? 1 << 10 : 1 << 20)
                    .setStyle(ProgressBarStyle.ASCII)
                    .showSpeed(Progress.speedFormat())
                    .setUpdateIntervalMillis(250)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err))
                    .build();
        } else {
            err.printf("%s: %s%n", task, ByteSize.format(totalBytes));
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
            err.printf(Locale.ROOT, "%s: %s of %s in %.1f s%n", task, ByteSize.format(done), ByteSize.format(total), s);
            err.flush();
        }
        task = null;
    }
}
