package org.jpeglm.codec.igpt;

/**
 * What a pixel stream held against what its profile expects: a stream that ended early (EOS or the token budget)
 * leaves pixels unwritten, filled with palette entry 0; symbols past the last pixel are dropped.
 *
 * @param pixels   pixels the stream wrote, at most {@code expected}
 * @param expected width × height
 * @param extra    symbols after the last pixel
 */
public record PixelReport(int pixels, int expected, int extra) {
    public PixelReport {
        if (pixels < 0 || pixels > expected || extra < 0 || (extra > 0 && pixels < expected)) {
            throw new IllegalArgumentException(
                    "inconsistent pixel report: " + pixels + " of " + expected + ", " + extra + " extra");
        }
    }

    /** The stream is exactly one image: every pixel, nothing after. */
    public boolean clean() {
        return pixels == expected && extra == 0;
    }

    /** Pixels left unwritten. */
    public int missing() {
        return expected - pixels;
    }
}
