package org.jpeglm.video;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Runs the ffmpeg executable as a subprocess with bounded time and output: standard input is written and both
 * outputs are read on their own threads (no pipe can fill up and deadlock), a run past its time or an output limit
 * is killed with every process it started (it runs in its own process group), no wait outlasts the time limit by
 * more than a few seconds, and every process is waited for (no zombies, no orphans).
 *
 * <p>The executable is {@code ffmpeg} on the PATH unless the system property {@value #EXECUTABLE_PROPERTY} or
 * the environment variable {@value #EXECUTABLE_ENV} names another; {@link #system()}'s time limit is 120 s unless
 * {@value #TIMEOUT_PROPERTY} or {@value #TIMEOUT_ENV} gives another (whole seconds).
 *
 * @param executable the ffmpeg command or path
 * @param timeout the longest one run may take
 * @param maxOutputBytes the most standard output one run may write
 */
public record Ffmpeg(String executable, Duration timeout, long maxOutputBytes) {
    public static final String EXECUTABLE_PROPERTY = "jpeglm.ffmpeg";
    public static final String EXECUTABLE_ENV = "JPEGLM_FFMPEG";
    public static final String TIMEOUT_PROPERTY = "jpeglm.ffmpeg.timeout";
    public static final String TIMEOUT_ENV = "JPEGLM_FFMPEG_TIMEOUT";
    /** Lines of standard error kept for messages and reports. */
    public static final int STDERR_LINES = 400;
    /** Bytes of standard error one run may write: more is killed as runaway (ffmpeg's own logs are far smaller). */
    public static final long MAX_STDERR_BYTES = 16L << 20;
    /** The longest time limit {@value #TIMEOUT_PROPERTY} may set, in seconds (a day). */
    public static final long MAX_TIMEOUT_SECONDS = 86_400;

    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(120);
    private static final long DEFAULT_MAX_OUTPUT = 1L << 30;

    public Ffmpeg {
        Objects.requireNonNull(executable, "executable");
        Objects.requireNonNull(timeout, "timeout");
        if (executable.isBlank() || timeout.isNegative() || timeout.isZero() || maxOutputBytes < 1) {
            throw new IllegalArgumentException("ffmpeg needs a name, a positive timeout and output limit");
        }
    }

    /** What a run gave. */
    public record Result(int exitCode, byte[] stdout, List<String> stderr) {
        public Result {
            stderr = List.copyOf(stderr);
        }

        /** The last count lines of standard error. */
        public List<String> stderrTail(int count) {
            return stderr.subList(Math.max(0, stderr.size() - count), stderr.size());
        }
    }

    /**
     * ffmpeg from the property, the environment or the PATH, with a 120 s timeout (or the property's or the
     * environment's) and 1 GiB output limit.
     *
     * @throws IllegalArgumentException when the timeout set is not whole seconds, 1 to {@value #MAX_TIMEOUT_SECONDS}
     */
    public static Ffmpeg system() {
        String exe = setting(EXECUTABLE_PROPERTY, EXECUTABLE_ENV);
        String seconds = setting(TIMEOUT_PROPERTY, TIMEOUT_ENV);
        return new Ffmpeg(
                exe == null ? "ffmpeg" : exe, seconds == null ? DEFAULT_TIMEOUT : timeout(seconds), DEFAULT_MAX_OUTPUT);
    }

    /** The system property's value, else the environment variable's; null when neither is set (or both blank). */
    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static Duration timeout(String seconds) {
        long s;
        try {
            s = Long.parseLong(seconds);
        } catch (NumberFormatException e) {
            s = -1;
        }
        if (s < 1 || s > MAX_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException(TIMEOUT_PROPERTY + " / " + TIMEOUT_ENV + " must be whole seconds, 1 to "
                    + MAX_TIMEOUT_SECONDS + ", not '" + seconds + "'");
        }
        return Duration.ofSeconds(s);
    }

    public Ffmpeg withTimeout(Duration t) {
        return new Ffmpeg(executable, t, maxOutputBytes);
    }

    public Ffmpeg withExecutable(String exe) {
        return new Ffmpeg(exe, timeout, maxOutputBytes);
    }

    /**
     * Runs ffmpeg with args and stdin; a non-zero exit is an error.
     *
     * @throws FfmpegException when it is missing, fails, times out or writes too much
     */
    public Result run(List<String> args, byte[] stdin) throws FfmpegException {
        Result r = execute(args, stdin);
        if (r.exitCode() != 0) {
            throw new FfmpegException(
                    FfmpegException.Kind.FAILED, "ffmpeg failed (exit status " + r.exitCode() + ")", r.stderrTail(8));
        }
        return r;
    }

    /**
     * Runs ffmpeg with args and stdin (may be empty) and returns whatever exit status it had.
     *
     * @throws FfmpegException when it is missing, times out or writes too much
     */
    public Result execute(List<String> args, byte[] stdin) throws FfmpegException {
        return execute(args, stdin, null);
    }

    /**
     * As {@link #execute(List, byte[])}, handing every line of standard error (as {@link Result#stderr()} holds
     * them: cut to 500 characters) to lineListener, on a reader thread, as it comes: all of them, not only the
     * last {@value #STDERR_LINES}.
     */
    public Result execute(List<String> args, byte[] stdin, Consumer<String> lineListener) throws FfmpegException {
        Objects.requireNonNull(stdin, "stdin");
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(executable);
        command.addAll(args);
        Process p;
        try {
            p = ProcessTree.start(command);
        } catch (IOException e) {
            throw new FfmpegException(
                    FfmpegException.Kind.MISSING,
                    "cannot run ffmpeg '" + executable + "' (" + e.getMessage() + "): install it (Debian: apt-get"
                            + " install ffmpeg, or scripts/install-prerequisites) or name it with -D"
                            + EXECUTABLE_PROPERTY + " / " + EXECUTABLE_ENV,
                    List.of(),
                    e);
        }
        return new FfmpegRun(this, p, lineListener).collect(stdin);
    }
}
