package org.jpeglm.video;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One run of an ffmpeg process, every wait bounded: standard input written and both outputs read on their own
 * threads (no pipe fills up), the whole process tree killed when the run passes its time or an output limit, and the
 * readers given a short grace once ffmpeg has exited (a process it left behind may hold the pipes; it is killed too,
 * and the run fails rather than wait on it).
 */
final class FfmpegRun {
    /** How long the readers may take to finish after ffmpeg exited: what is left in the pipes (64 KiB each). */
    static final Duration DRAIN_GRACE = Duration.ofSeconds(5);
    /** Characters kept of one line of standard error; the rest of the line is read and dropped. */
    static final int LINE_CHARS = 500;

    private final Ffmpeg ffmpeg;
    private final Process process;
    private final Consumer<String> lineListener;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Deque<String> err = new ArrayDeque<>();
    private final AtomicReference<String> overflow = new AtomicReference<>(); // which limit was passed

    FfmpegRun(Ffmpeg ffmpeg, Process process, Consumer<String> lineListener) {
        this.ffmpeg = ffmpeg;
        this.process = process;
        this.lineListener = lineListener;
    }

    /** Feeds stdin, waits for the run within its limits and returns what it gave; the process tree is gone after. */
    Ffmpeg.Result collect(byte[] stdin) throws FfmpegException {
        Thread writer = Thread.ofVirtual().start(() -> feed(process.getOutputStream(), stdin));
        Thread outReader = Thread.ofVirtual().start(this::drainStdout);
        Thread errReader = Thread.ofVirtual().start(this::readStderr);
        try {
            boolean exited = process.waitFor(ffmpeg.timeout().toNanos(), TimeUnit.NANOSECONDS);
            if (!exited) {
                ProcessTree.destroy(process);
            }
            boolean drained = join(DRAIN_GRACE, outReader, errReader);
            if (!drained) { // a process ffmpeg started still holds the pipes
                ProcessTree.destroy(process);
                drained = join(DRAIN_GRACE, outReader, errReader);
            }
            join(DRAIN_GRACE, writer);
            return result(exited, drained);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FfmpegException(FfmpegException.Kind.FAILED, "interrupted while ffmpeg ran", List.of(), e);
        } finally {
            ProcessTree.destroy(process);
        }
    }

    private Ffmpeg.Result result(boolean exited, boolean drained) throws FfmpegException {
        List<String> lines = stderrLines();
        List<String> tail = lines.subList(Math.max(0, lines.size() - 8), lines.size());
        if (!exited) {
            throw new FfmpegException(
                    FfmpegException.Kind.TIMEOUT,
                    "ffmpeg ran longer than " + seconds(ffmpeg.timeout()) + " and was killed (with every process it"
                            + " started)",
                    tail);
        }
        if (overflow.get() != null) {
            throw new FfmpegException(
                    FfmpegException.Kind.TOO_MUCH_OUTPUT, "ffmpeg " + overflow.get() + " and was killed", tail);
        }
        if (!drained) {
            throw new FfmpegException(
                    FfmpegException.Kind.TIMEOUT,
                    "ffmpeg exited, but a process it started kept its output open for " + seconds(DRAIN_GRACE)
                            + "; it was killed",
                    tail);
        }
        return new Ffmpeg.Result(process.exitValue(), out.toByteArray(), lines);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private List<String> stderrLines() {
        synchronized (err) {
            return List.copyOf(err);
        }
    }

    /** Whether every thread ended within limit (all of them together). */
    private static boolean join(Duration limit, Thread... threads) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread t : threads) {
            long left = Math.max(1, deadline - System.nanoTime());
            if (!t.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    /** Writes stdin and closes it; ffmpeg may exit before reading it all (a broken pipe is not an error). */
    private static void feed(OutputStream in, byte[] stdin) {
        try (in) {
            in.write(stdin);
        } catch (IOException ignored) {
            // ffmpeg stopped reading: its exit status and stderr say why.
        }
    }

    private void tooMuch(String what) {
        overflow.compareAndSet(null, what);
        ProcessTree.destroy(process);
    }

    private void drainStdout() {
        byte[] buf = new byte[1 << 16];
        try (InputStream in = process.getInputStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (out.size() + (long) n > ffmpeg.maxOutputBytes()) {
                    tooMuch("wrote more than " + ffmpeg.maxOutputBytes() + " bytes");
                    return;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // The process was killed: the caller reports why.
        }
    }

    /**
     * Reads standard error as lines ('\n', '\r' or both end one), each cut to {@link #LINE_CHARS} characters with
     * control characters dropped, keeping the last {@link Ffmpeg#STDERR_LINES}; past
     * {@link Ffmpeg#MAX_STDERR_BYTES} in all, ffmpeg is killed.
     */
    private void readStderr() {
        byte[] buf = new byte[1 << 16];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long total = 0;
        boolean lineCut = false;
        byte previous = 0;
        try (InputStream in = process.getErrorStream()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                total += n;
                if (total > Ffmpeg.MAX_STDERR_BYTES) {
                    tooMuch("wrote more than " + Ffmpeg.MAX_STDERR_BYTES + " bytes of messages (standard error)");
                    return;
                }
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n' || b == '\r') {
                        if (!(b == '\n' && previous == '\r')) {
                            addLine(line, lineCut);
                        }
                        line.reset();
                        lineCut = false;
                    } else if (line.size() < LINE_CHARS * 4) { // UTF-8: at most 4 bytes a character
                        line.write(b);
                    } else {
                        lineCut = true;
                    }
                    previous = b;
                }
            }
            if (line.size() > 0 || lineCut) {
                addLine(line, lineCut);
            }
        } catch (IOException ignored) {
            // The process was killed: the caller reports why.
        }
    }

    private void addLine(ByteArrayOutputStream bytes, boolean cut) {
        String text = bytes.toString(StandardCharsets.UTF_8).replaceAll("[\\p{Cntrl}&&[^\\t]]", "");
        if (text.length() > LINE_CHARS || cut) {
            text = text.substring(0, Math.min(text.length(), LINE_CHARS)) + "...";
        }
        if (lineListener != null) {
            lineListener.accept(text);
        }
        synchronized (err) {
            err.addLast(text);
            if (err.size() > Ffmpeg.STDERR_LINES) {
                err.removeFirst();
            }
        }
    }
}
