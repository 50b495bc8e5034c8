package org.jpeglm.video;

import java.io.IOException;
import java.util.List;

/**
 * ffmpeg could not be run, failed, ran too long or wrote too much; the message says which, with ffmpeg's last
 * lines of standard error when it ran.
 */
public final class FfmpegException extends IOException {
    /** What went wrong. */
    public enum Kind {
        /** The executable was not found or could not be started. */
        MISSING,
        /** It exited with a non-zero status. */
        FAILED,
        /** It ran past the time limit and was killed. */
        TIMEOUT,
        /** Its output passed the size limit and it was killed. */
        TOO_MUCH_OUTPUT,
        /** It ran but its output is not what was asked for (e.g. no frames). */
        BAD_OUTPUT
    }

    private final Kind kind;
    private final List<String> stderrTail;

    public FfmpegException(Kind kind, String message, List<String> stderrTail, Throwable cause) {
        super(message + tail(stderrTail), cause);
        this.kind = kind;
        this.stderrTail = List.copyOf(stderrTail);
    }

    public FfmpegException(Kind kind, String message, List<String> stderrTail) {
        this(kind, message, stderrTail, null);
    }

    public Kind kind() {
        return kind;
    }

    /** ffmpeg's last lines of standard error (empty when it did not run). */
    public List<String> stderrTail() {
        return stderrTail;
    }

    private static String tail(List<String> lines) {
        return lines.isEmpty() ? "" : "; ffmpeg said:\n  " + String.join("\n  ", lines);
    }
}
