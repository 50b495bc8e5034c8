package org.jpeglm.testing;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufValue;

/**
 * The codec-neutral parts of a tiny random-weight model of any codec's byte streams ({@link TinyAvcLm} for videos):
 * frames to encode ({@link #movingSquare}), a BPE of a few merges learned on the codec's streams, and a two-layer
 * random Llama with the codec's keys.
 */
public final class TinyStreamLm {
    /** A gray 28×28 picture, the pixel codecs' test size (PixelCliTest, PixelServerTest): a bright box on dark noise. */
    public static BufferedImage pixelPicture(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        int x0 = random.nextInt(14);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean box = x >= x0 && x < x0 + 12 && y >= 6 && y < 22;
                image.getRaster().setSample(x, y, 0, box ? 230 : random.nextInt(60));
            }
        }
        return image;
    }

    /** The three colours of {@link #colourPicture}, {@code 0xRRGGBB}: background, box, stripe. */
    public static final int[] COLOURS = {0x141E5A, 0xE63C28, 0xF0DC3C};

    /**
     * An RGB 28×28 picture of three colours, each channel raised by noise below 12: a red box on navy, a yellow
     * stripe across, at places that differ by seed.
     */
    public static BufferedImage colourPicture(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
        int x0 = random.nextInt(14);
        int stripe = random.nextInt(24);
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                int colour = y >= stripe && y < stripe + 4
                        ? COLOURS[2]
                        : x >= x0 && x < x0 + 12 && y >= 6 && y < 22 ? COLOURS[1] : COLOURS[0];
                int noise = random.nextInt(12) << 16 | random.nextInt(12) << 8 | random.nextInt(12);
                image.setRGB(x, y, colour + noise);
            }
        }
        return image;
    }

    private TinyStreamLm() {}

    /** frames w×h frames of a bright square moving over a dark noisy background, a different path per seed. */
    public static List<BufferedImage> movingSquare(int w, int h, int frames, long seed) {
        Random r = new Random(seed);
        int side = Math.max(2, Math.min(w, h) / 4);
        int x = r.nextInt(w - side);
        int y = r.nextInt(h - side);
        int dx = 1 + r.nextInt(3);
        int dy = 1 + r.nextInt(3);
        List<BufferedImage> out = new ArrayList<>(frames);
        for (int f = 0; f < frames; f++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
            for (int py = 0; py < h; py++) {
                for (int px = 0; px < w; px++) {
                    boolean in = px >= x && px < x + side && py >= y && py < y + side;
                    int v = in ? 220 : r.nextInt(24);
                    img.setRGB(px, py, in ? 0xE0C040 : v << 16 | v << 8 | v);
                }
            }
            out.add(img);
            x = bounce(x, dx, w - side);
            dx = x == 0 || x == w - side ? -dx : dx;
            y = bounce(y, dy, h - side);
            dy = y == 0 || y == h - side ? -dy : dy;
        }
        return out;
    }

    private static int bounce(int at, int step, int max) {
        return Math.clamp(at + step, 0, max);
    }

    /** A BPE of merges merges learned on streams, with BOS and EOS. */
    public static BpeTokenizer tokenizer(List<byte[]> streams, int merges) {
        return new BpeTrainer(merges, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS).train(streams);
    }

    /**
     * Writes a two-layer random model of vocabSize tokens with the codec's keys and the given context.
     *
     * @param keys the model's {@code jpeglm.*} keys: the codec's profile and the tokenizer's (a spec's toGguf())
     */
    public static void write(Path path, long seed, int vocabSize, Map<String, GgufValue> keys, int context)
            throws IOException {
        LlamaConfig config = new LlamaConfig(vocabSize, 32, 2, 4, 2, 48, context, 10000f, 1e-5f, false);
        TinyLlamaGguf.writer(RandomLlama.create(config, seed), GgmlType.F32)
                .putAll(keys)
                .write(path);
    }
}
