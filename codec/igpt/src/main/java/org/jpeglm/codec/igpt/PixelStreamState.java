package org.jpeglm.codec.igpt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.jpeglm.codec.StreamState;

/**
 * A pixel stream as its codec follows it: a count of the pixels written, which is all the grammar needs (a token
 * fits when it stands for no more symbols than are left; EOS exactly at the last pixel). Engine thread only.
 */
final class PixelStreamState implements StreamState {
    private final PixelCodec.Writer writer;
    private int pixels;

    PixelStreamState(PixelCodec.Writer writer, byte[] promptBytes) {
        this.writer = writer;
        this.pixels = promptBytes.length;
    }

    private IgptProfile profile() {
        return writer.profile();
    }

    /** Pixels still to write (0 once the image is whole, or past it). */
    private int remaining() {
        return Math.max(0, profile().pixels() - pixels);
    }

    @Override
    public boolean complete() {
        return pixels >= profile().pixels();
    }

    @Override
    public boolean fits(int token) {
        return writer.grammar().fits(token, remaining());
    }

    @Override
    public long[] allowed() {
        return writer.grammar().allowed(remaining());
    }

    /**
     * The tokens agreeing with forced[from..] over their common length (prefixes of the bytes left, or tokens that
     * start with all of them); if constrained, only those that fit the pixels left.
     */
    @Override
    public long[] forced(byte[] forced, int from, boolean constrained) {
        PixelGrammar grammar = writer.grammar();
        long[] mask = new long[(grammar.vocabSize() + 63) >> 6];
        int left = remaining();
        for (int id = 0; id < writer.tokenBytes().length; id++) {
            byte[] b = writer.tokenBytes()[id];
            int common = Math.min(b.length, forced.length - from);
            boolean agrees = b.length > 0
                    && Arrays.equals(b, 0, common, forced, from, from + common)
                    && (!constrained || grammar.fits(id, left));
            if (agrees) {
                mask[id >> 6] |= 1L << id;
            }
        }
        return mask;
    }

    @Override
    public boolean take(int token, byte[] bytes) {
        pixels += bytes.length;
        return complete();
    }

    /** Whole rows written. */
    @Override
    public int units() {
        return PixelStreams.rows(pixels, profile());
    }

    @Override
    public int totalUnits() {
        return profile().height();
    }

    @Override
    public int previewUnits() {
        return units();
    }

    /** The whole rows so far as a PNG, the rows not yet written at palette entry 0. */
    @Override
    public byte[] preview(byte[] streamSoFar) {
        int rows = PixelStreams.rows(streamSoFar.length, profile());
        byte[] cut = Arrays.copyOf(streamSoFar, rows * profile().width());
        return png(PixelStreams.decode(cut, profile()).image());
    }

    static byte[] png(java.awt.image.BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // to memory: does not happen
        }
        return out.toByteArray();
    }
}
