package org.jpeglm.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongFunction;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.codec.jpeg.JpegLmSpec;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;

/**
 * A tiny random-weight Jpeg-LM for tests of everything above the model: 16×16 gray images (4 MCUs), quality 25,
 * a restart marker after every MCU, a BPE of a few dozen merges learned on blob images, and a two-layer Llama.
 */
public final class TinyJpegLm {
    private TinyJpegLm() {}

    public static final JpegProfile PROFILE = new JpegProfile(25, Subsampling.GRAY, 1, 16, 16);

    /** A 16×16 gray picture: a bright blob on a dark noisy background. */
    public static BufferedImage picture(long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        int cx = 3 + r.nextInt(10);
        int cy = 3 + r.nextInt(10);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                int d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                img.getRaster().setSample(x, y, 0, d < 20 ? 200 + r.nextInt(40) : r.nextInt(30));
            }
        }
        return img;
    }

    /** The spec: the profile and a tokenizer learned on 40 pictures. */
    public static JpegLmSpec spec() {
        return spec(PROFILE, TinyJpegLm::picture, 40);
    }

    /** profile and a tokenizer of merges merges learned on 40 of pictures. */
    private static JpegLmSpec spec(JpegProfile profile, LongFunction<BufferedImage> pictures, int merges) {
        List<byte[]> streams = new ArrayList<>();
        JpegEncoder enc = new JpegEncoder(profile);
        for (int i = 0; i < 40; i++) {
            streams.add(enc.encode(pictures.apply(i)));
        }
        BpeTokenizer tokenizer =
                new BpeTrainer(merges, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS).train(streams);
        return JpegLmSpec.of(profile, tokenizer);
    }

    /** A 32×32 4:2:0 colour profile (4 MCUs of 16×16), quality 25, a restart marker after every MCU. */
    public static final JpegProfile COLOUR_PROFILE = new JpegProfile(25, Subsampling.S420, 1, 32, 32);

    /** A 32×32 colour picture: a saturated blob of a random hue on a noisy background of another. */
    public static BufferedImage colourPicture(long seed) {
        Random r = new Random(seed);
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_3BYTE_BGR);
        int cx = 6 + r.nextInt(20);
        int cy = 6 + r.nextInt(20);
        int blob = java.awt.Color.HSBtoRGB(r.nextFloat(), 1f, 1f);
        int back = java.awt.Color.HSBtoRGB(r.nextFloat(), 0.8f, 0.3f);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                int d = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                img.setRGB(x, y, d < 60 ? blob : back ^ r.nextInt(16));
            }
        }
        return img;
    }

    /** The colour spec: {@link #COLOUR_PROFILE} and a tokenizer learned on 40 colour pictures. */
    public static JpegLmSpec colourSpec() {
        return spec(COLOUR_PROFILE, TinyJpegLm::colourPicture, 60);
    }

    /** Writes a colour model ({@link #colourSpec()}, context 2048: a random model's colour streams are long). */
    public static JpegLmSpec writeColour(Path path, long seed) throws IOException {
        return write(path, seed, colourSpec(), 2048);
    }

    /** Writes the model (context 256) and returns its spec. */
    public static JpegLmSpec write(Path path, long seed) throws IOException {
        return write(path, seed, spec(), 256);
    }

    /** Writes the model (context 256) with more metadata (e.g. a codec key) and returns its spec. */
    public static JpegLmSpec write(Path path, long seed, Map<String, GgufValue> more) throws IOException {
        return write(path, seed, spec(), 256, more);
    }

    /**
     * Writes the tiny model with another JPEG profile (its tokenizer is the tiny one's: a stream of any profile is
     * made of the same bytes), for tests of what a profile's size implies; returns its spec.
     */
    public static JpegLmSpec writeWithProfile(Path path, long seed, JpegProfile profile) throws IOException {
        return write(path, seed, JpegLmSpec.of(profile, spec().tokenizer()), 256);
    }

    private static JpegLmSpec write(Path path, long seed, JpegLmSpec spec, int context) throws IOException {
        return write(path, seed, spec, context, Map.of());
    }

    /** A two-layer random model of spec's tokenizer with the given context. */
    private static JpegLmSpec write(Path path, long seed, JpegLmSpec spec, int context, Map<String, GgufValue> more)
            throws IOException {
        LlamaConfig config =
                new LlamaConfig(spec.tokenizer().vocabSize(), 32, 2, 4, 2, 48, context, 10000f, 1e-5f, false);
        TinyLlamaGguf.writer(RandomLlama.create(config, seed), GgmlType.F32)
                .putAll(spec.toGguf())
                .putAll(more)
                .write(path);
        return spec;
    }
}
