package org.jpeglm.codec.igpt;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Objects;
import java.util.SequencedMap;
import org.jpeglm.codec.Generated;
import org.jpeglm.codec.StopReason;

/**
 * One image a pixel model (igpt, bpe-igpt) wrote.
 *
 * @param index its number in the request (0-based), which also fixes its seed
 * @param seed the sampling seed it was written with
 * @param stream the symbols written, one byte a pixel in raster order, the prompt's first
 * @param image the stream decoded at the profile's size: unwritten pixels are palette entry 0, extra symbols dropped
 * @param report how complete the stream was
 * @param tokens tokens generated (the prompt's not counted)
 * @param promptTokens tokens fed before the first step, BOS included
 * @param stop why writing ended: {@link StopReason#END} at the last pixel, EOS, or the token budget
 * @param time from the start of the stream to its last token
 */
public record GeneratedPixels(
        int index,
        long seed,
        byte[] stream,
        BufferedImage image,
        PixelReport report,
        int tokens,
        int promptTokens,
        StopReason stop,
        Duration time)
        implements Generated {
    public GeneratedPixels {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(stop, "stop");
        Objects.requireNonNull(time, "time");
    }

    /** Whether the stream is exactly one image: every pixel written, nothing after. */
    public boolean clean() {
        return report.clean();
    }

    /** index, image_seed (a string), tokens, prompt_tokens, stop, clean, pixels (written), missing, extra and ms. */
    @Override
    public SequencedMap<String, Object> summary() {
        SequencedMap<String, Object> s = Generated.imageSummary(this);
        s.put("prompt_tokens", promptTokens);
        s.put("stop", stop.name());
        s.put("clean", clean());
        s.put("pixels", report.pixels());
        s.put("missing", report.missing());
        s.put("extra", report.extra());
        s.put("ms", time.toMillis());
        return s;
    }
}
