package org.jpeglm.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.concurrent.Callable;
import org.jpeglm.JpeglmException;
import org.jpeglm.video.FfmpegException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Base of the jpeglm commands: runs {@link #run()} and turns the failures a user causes (missing or malformed
 * files, refused checkpoints, bad arguments, llama.cpp errors) into one {@code error: ...} line on the error
 * stream and exit code {@value #USER_ERROR}, without a stack trace; so are an {@link OutOfMemoryError} and a native
 * library that cannot be loaded. Anything else is
 * a bug: it is reported with its stack trace. Commands can be mounted as subcommands of any picocli command line.
 */
public abstract class JpeglmCommand implements Callable<Integer> {
    /** Exit code of a failure the user can fix (picocli's own usage errors exit with 2). */
    public static final int USER_ERROR = 1;

    @Spec
    protected CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            description = "Show this help message and exit.")
    boolean help;

    @Option(
            names = {"-v", "--verbose"},
            description = "Also print the library's information messages (native library set, devices, skipped GPU "
                    + "backends).")
    boolean verbose;

    @Option(names = "--stacktrace", hidden = true, description = "Print stack traces of errors (for bug reports).")
    boolean stacktrace;

    /** Does the work; returns the exit code. */
    protected abstract int run() throws Exception;

    @Override
    public final Integer call() throws Exception {
        CliLogging.configure(verbose);
        try {
            return run();
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (IOException | UncheckedIOException | JpeglmException | IllegalArgumentException e) {
            return fail(describe(e), e);
        } catch (UnsatisfiedLinkError e) {
            // libjpeglm missing, damaged or built for another machine: the user's installation, not a bug here.
            return fail("cannot load the native library: " + describe(e), e);
        } catch (OutOfMemoryError e) {
            // The commands refuse counts the heap cannot hold before they start; this is what slips through
            // (e.g. a huge image file): still a clear line, not a stack trace.
            return fail(
                    "out of memory: the Java heap (" + Limits.heap() + ") cannot hold this run; use fewer or smaller "
                            + "images per run, or a larger heap, e.g. JAVA_TOOL_OPTIONS=-Xmx16g",
                    e);
        }
    }

    private int fail(String message, Throwable e) {
        err().println("error: " + message);
        if (stacktrace) {
            e.printStackTrace(err());
        }
        err().flush();
        return USER_ERROR;
    }

    /** Where results go. */
    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Where messages go. */
    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A message for e that names the problem. */
    static String describe(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) {
            return describe(u.getCause());
        }
        if (e instanceof NoSuchFileException f) {
            return "no such file: " + f.getFile() + (f.getReason() != null ? " (" + f.getReason() + ")" : "");
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied: " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getFile() + ": " + f.getReason();
        }
        if (e instanceof FfmpegException f) {
            return ffmpegLine(f);
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** An ffmpeg failure in one line: what failed and ffmpeg's last word (its message lists every stderr line). */
    private static String ffmpegLine(FfmpegException f) {
        String what = f.getMessage().split("; ffmpeg said:", 2)[0].strip();
        List<String> tail = f.stderrTail();
        return tail.isEmpty() ? what : what + " (ffmpeg: " + tail.getLast().strip() + ")";
    }
}
