package org.jpeglm.codec.igpt;

import java.awt.image.BufferedImage;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.StreamState;
import org.jpeglm.codec.StreamWriter;
import org.jpeglm.codec.Written;

/**
 * The pixel codecs as the engine runs them, {@code igpt} and {@code bpe-igpt} alike (the tokenizer's merges make the
 * difference): images fitted to the profile and written one palette index a pixel, prompts cut on whole rows,
 * constrained streams held by {@link PixelGrammar} to exactly width×height pixels (EOS only then), progress and
 * previews in rows, and each written stream decoded into its image. Immutable and thread-safe.
 */
public final class PixelCodec implements Codec<BufferedImage, GeneratedPixels> {
    private final IgptSpec spec;

    public PixelCodec(IgptSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    public IgptSpec spec() {
        return spec;
    }

    public IgptProfile profile() {
        return spec.profile();
    }

    /** {@value IgptSpec#IGPT} or {@value IgptSpec#BPE_IGPT}, as the tokenizer's merges say. */
    @Override
    public String name() {
        return spec.codec();
    }

    @Override
    public String noun() {
        return "image";
    }

    @Override
    public BpeTokenizer tokenizer() {
        return spec.tokenizer();
    }

    /** Rows. */
    @Override
    public int units() {
        return profile().height();
    }

    @Override
    public String unitName() {
        return "rows";
    }

    @Override
    public byte[] encode(BufferedImage image) {
        return PixelStreams.encode(image, profile());
    }

    /** The first rows rows, byte for byte. */
    @Override
    public byte[] prefix(byte[] stream, int rows) {
        return PixelStreams.prefix(stream, rows, profile());
    }

    @Override
    public StreamWriter newWriter(int vocabSize) {
        return new Writer(profile(), PixelGrammar.of(tokenizer(), vocabSize), tokenBytes(tokenizer()));
    }

    private static byte[][] tokenBytes(BpeTokenizer tokenizer) {
        byte[][] bytes = new byte[tokenizer.vocabSize()][];
        for (int id = 0; id < bytes.length; id++) {
            bytes[id] = tokenizer.tokenBytes(id);
        }
        return bytes;
    }

    /** The written stream decoded: pixels not written are palette entry 0, symbols past the last are dropped. */
    @Override
    public GeneratedPixels finish(Written written) {
        PixelStreams.Decoded decoded = PixelStreams.decode(written.stream(), profile());
        return new GeneratedPixels(
                written.index(),
                written.seed(),
                written.stream(),
                decoded.image(),
                decoded.report(),
                written.tokens(),
                written.promptTokens(),
                written.stop(),
                written.time());
    }

    @Override
    public String toString() {
        return name() + " " + profile().width() + "x" + profile().height() + ", "
                + profile().symbols() + " symbols, " + tokenizer().mergeCount() + " merges";
    }

    /** What the streams of one session share: the grammar's masks and each token's bytes. Engine thread only. */
    record Writer(IgptProfile profile, PixelGrammar grammar, byte[][] tokenBytes) implements StreamWriter {
        @Override
        public StreamState open(byte[] promptBytes) {
            return new PixelStreamState(this, promptBytes);
        }

        @Override
        public boolean hasGrammar() {
            return true;
        }
    }
}
