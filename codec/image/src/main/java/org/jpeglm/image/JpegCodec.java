package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.StopReason;
import org.jpeglm.codec.StreamWriter;
import org.jpeglm.codec.Written;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.jpeg.JpegSyntax;

/**
 * The jpeg codec: images encoded with the model's profile and tables as abbreviated streams, prompts cut on MCUs,
 * streams followed by their JPEG syntax ({@link JpegStreamState}: the grammar, progress in MCUs, previews at restart
 * markers) and repaired into JFIF files as each ends. Thread-safe. Public so that a caller holding a jpeg
 * {@link org.jpeglm.codec.CodecModel} (the server) can read its spec; made by {@link JpegCodecFactory} and
 * {@link ImageModel}.
 */
public final class JpegCodec implements Codec<BufferedImage, GeneratedImage> {
    private final JpegLmSpec spec;
    private final JpegSyntax syntax;
    private final JpegRepair repair;
    private final JpegEncoder encoder;
    private final int units;

    JpegCodec(JpegLmSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.syntax = new JpegSyntax(spec.profile(), spec.tables());
        this.repair = new JpegRepair(spec.profile(), spec.tables());
        // Prompts use the model's tables: a model converted with custom tables has only ever seen streams coded with
        // those, not the IJG tables of its quality.
        this.encoder = new JpegEncoder(spec.profile(), spec.tables());
        this.units = syntax.mcuCount();
    }

    /** The model's profile, tables and tokenizer. */
    public JpegLmSpec spec() {
        return spec;
    }

    JpegSyntax syntax() {
        return syntax;
    }

    JpegRepair repair() {
        return repair;
    }

    @Override
    public String name() {
        return "jpeg";
    }

    @Override
    public String noun() {
        return "image";
    }

    @Override
    public BpeTokenizer tokenizer() {
        return spec.tokenizer();
    }

    @Override
    public int units() {
        return units;
    }

    @Override
    public String unitName() {
        return "MCUs";
    }

    /** The abbreviated stream of image under the model's profile and tables (fitted to its size). */
    @Override
    public byte[] encode(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        var profile = spec.profile();
        BufferedImage fitted = image.getWidth() == profile.width() && image.getHeight() == profile.height()
                ? image
                : JpegImages.fit(image, profile.width(), profile.height());
        return encoder.encode(fitted);
    }

    /** The stream's first mcus MCUs, rounded down to whole restart intervals ({@link JpegStreams#prefixMcus}). */
    @Override
    public byte[] prefix(byte[] stream, int mcus) {
        return JpegStreams.prefixMcus(stream, mcus);
    }

    @Override
    public StreamWriter newWriter(int vocabSize) {
        return StreamTools.of(this, vocabSize);
    }

    /** The finished image: its stream repaired (if needed) into a file and decoded. */
    @Override
    public GeneratedImage finish(Written written) {
        JpegRepair.Result fixed = repair.repair(written.stream());
        BufferedImage image = JpegImages.decode(fixed.jpeg());
        return new GeneratedImage(
                written.index(),
                written.seed(),
                written.stream(),
                fixed.jpeg(),
                image,
                written.tokens(),
                written.promptTokens(),
                stopOf(written.stop()),
                fixed.report(),
                written.time());
    }

    private static GeneratedImage.StopReason stopOf(StopReason stop) {
        return switch (stop) {
            case EOS -> GeneratedImage.StopReason.EOS;
            case END -> GeneratedImage.StopReason.EOI;
            case MAX_TOKENS -> GeneratedImage.StopReason.MAX_TOKENS;
        };
    }

    @Override
    public String toString() {
        return "jpeg " + spec.profile();
    }
}
