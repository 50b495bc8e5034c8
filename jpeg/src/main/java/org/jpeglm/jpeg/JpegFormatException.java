package org.jpeglm.jpeg;

/**
 * Bytes that are not a JPEG this package handles. {@link #problem()} classifies the failure so callers can
 * branch on it; the message names the offending feature and, where known, the byte offset.
 *
 * <p>Unchecked, because callers mostly feed bytes they produced themselves (our encoder or a model) and a
 * failure there is a bug or a bad sample, not a recoverable I/O condition.
 */
public final class JpegFormatException extends RuntimeException {

    /** What is wrong with the input. */
    public enum Problem {
        /** No SOI marker, or bytes where a marker must be. */
        NOT_JPEG,
        /** Progressive DCT (SOF2, SOF6, SOF10, SOF14). */
        PROGRESSIVE,
        /** Arithmetic entropy coding (SOF9..SOF15, DAC). */
        ARITHMETIC,
        /** Lossless (SOF3, SOF7, SOF11, SOF15). */
        LOSSLESS,
        /** Hierarchical (SOF5..SOF7, DHP, EXP) or other frame types not in baseline. */
        HIERARCHICAL,
        /** Sample precision other than 8 bits (e.g. 12-bit). */
        PRECISION,
        /** Component count other than 1 (gray) or 3 (YCbCr), e.g. CMYK's 4; or bad component layout. */
        COMPONENTS,
        /** Width or height zero (DNL) or above {@link JpegParser#MAX_DIMENSION}. */
        DIMENSIONS,
        /** The data ends before the image does (inside a segment, before the scan or before EOI). */
        TRUNCATED,
        /** Structurally invalid: bad segment length, missing table, wrong restart marker, several scans, ... */
        MALFORMED
    }

    private static final long serialVersionUID = 1L;

    private final Problem problem;

    public JpegFormatException(Problem problem, String message) {
        super(message);
        this.problem = problem;
    }

    /** The kind of problem. */
    public Problem problem() {
        return problem;
    }
}
