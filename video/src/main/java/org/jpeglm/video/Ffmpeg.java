package org.jpeglm.video;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the ffmpeg executable as a subprocess with bounded time and output: standard input is written and both
 * outputs are read on their own threads (no pipe can fill up and deadlock), a run past its time or output limit
 * is killed, and every process is waited for (no zombies).
 *
 * <p>The executable is {@code ffmpeg} on the PATH unless the system property {@value #EXECUTABLE_PROPERTY} or
 * the environment variable {@value #EXECUTABLE_ENV} names another.
 *
 * @param executable the ffmpeg command or path
 * @param timeout the longest one run may take
 * @param maxOutputBytes the most standard output one run may write
 */
public record Ffmpeg(String executable, Duration timeout, long maxOutputBytes) {
    public static final String EXECUTABLE_PROPERTY = "jpeglm.ffmpeg";
    public static final String EXECUTABLE_ENV = "JPEGLM_FFMPEG";
    /** Lines of standard error kept for messages and reports. */
    public static final int STDERR_LINES = 400;

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

    /** ffmpeg from the property, the environment or the PATH, with a 120 s timeout and 1 GiB output limit. */
    public static Ffmpeg system() {
        String exe = System.getProperty(EXECUTABLE_PROPERTY);
        if (exe == null || exe.isBlank()) {
            exe = System.getenv(EXECUTABLE_ENV);
        }
        return new Ffmpeg(exe == null || exe.isBlank() ? "ffmpeg" : exe, DEFAULT_TIMEOUT, DEFAULT_MAX_OUTPUT);
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
        List<String> command = new ArrayList<>(args.size() + 1);
        command.add(executable);
        command.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new FfmpegException(
                    FfmpegException.Kind.MISSING,
                    "cannot run ffmpeg '" + executable + "' (" + e.getMessage() + "): install it (Debian: apt-get"
                            + " install ffmpeg, or scripts/install-prerequisites) or name it with -D"
                            + EXECUTABLE_PROPERTY + " / " + EXECUTABLE_ENV,
                    List.of(),
                    e);
        }
        try {
            return collect(p, stdin);
        } finally {
            reap(p);
        }
    }

    private Result collect(Process p, byte[] stdin) throws FfmpegException {
        AtomicBoolean tooMuch = new AtomicBoolean();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Deque<String> err = new ArrayDeque<>();
        Thread writer = Thread.ofVirtual().start(() -> feed(p.getOutputStream(), stdin));
        Thread outReader = Thread.ofVirtual().start(() -> drain(p, p.getInputStream(), out, tooMuch));
        Thread errReader = Thread.ofVirtual().start(() -> lines(p.getErrorStream(), err));
        try {
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            outReader.join();
            errReader.join();
            writer.join();
            List<String> errLines;
            synchronized (err) {
                errLines = List.copyOf(err);
            }
            if (!done) {
                throw new FfmpegException(
                        FfmpegException.Kind.TIMEOUT,
                        "ffmpeg ran longer than " + timeout.toSeconds() + " s and was killed",
                        tail(errLines));
            }
            if (tooMuch.get()) {
                throw new FfmpegException(
                        FfmpegException.Kind.TOO_MUCH_OUTPUT,
                        "ffmpeg wrote more than " + maxOutputBytes + " bytes and was killed",
                        tail(errLines));
            }
            return new Result(p.exitValue(), out.toByteArray(), errLines);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FfmpegException(FfmpegException.Kind.FAILED, "interrupted while ffmpeg ran", List.of(), e);
        }
    }

    private static List<String> tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 8), lines.size());
    }

    /** Writes stdin and closes it; ffmpeg may exit before reading it all (a broken pipe is not an error). */
    private static void feed(OutputStream in, byte[] stdin) {
        try (in) {
            in.write(stdin);
        } catch (IOException ignored) {
            // ffmpeg stopped reading: its exit status and stderr say why.
        }
    }

    private void drain(Process p, InputStream in, ByteArrayOutputStream out, AtomicBoolean tooMuch) {
        byte[] buf = new byte[1 << 16];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (out.size() + (long) n > maxOutputBytes) {
                    tooMuch.set(true);
                    p.destroyForcibly();
                    return;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // The process was killed: the caller reports why.
        }
    }

    private static void lines(InputStream in, Deque<String> lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                synchronized (lines) {
                    lines.addLast(line.length() > 500 ? line.substring(0, 500) + "..." : line);
                    if (lines.size() > STDERR_LINES) {
                        lines.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // The process was killed: the caller reports why.
        }
    }

    /** Kills the process if it still runs and waits for it, so none is left behind. */
    private static void reap(Process p) {
        if (p.isAlive()) {
            p.destroyForcibly();
        }
        boolean interrupted = false;
        while (true) {
            try {
                p.waitFor();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
