package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegStreams;
import org.jpeglm.spec.JpegLmSpec;

/**
 * Turns requests into {@link ImageJob}s: the prompt of each image and its seed. Shared by {@link ImageGenerator} and
 * {@link ImageService}, so both give image i of a request the same prompt and seed. Thread-safe.
 */
final class ImagePrompts {
    private final JpegLmSpec spec;
    private final BpeTokenizer tokenizer;
    private final TokenTable tokens;
    private final JpegEncoder encoder;
    private final int contextLength;

    ImagePrompts(JpegLmSpec spec, TokenTable tokens, int contextLength) {
        this.spec = spec;
        this.tokenizer = spec.tokenizer();
        this.tokens = tokens;
        // Prompts use the model's tables: a model converted with custom tables has only ever seen streams coded with
        // those, not the IJG tables of its quality.
        this.encoder = new JpegEncoder(spec.profile(), spec.tables());
        this.contextLength = contextLength;
    }

    /** count images from nothing: the prompt is BOS. */
    List<ImageJob> generation(int count, long seed) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        List<ImageJob> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            jobs.add(new ImageJob(i, seedOf(seed, i), new int[] {tokenizer.bosId()}, new byte[0], new byte[0]));
        }
        return jobs;
    }

    /**
     * Each image completed from its first ⌊ratio·MCUs⌋ MCUs; beforeEach runs before each image is prepared (a cancel
     * check: encoding many prompts takes a while).
     */
    List<ImageJob> completion(List<BufferedImage> images, double ratio, long seed, Runnable beforeEach) {
        Objects.requireNonNull(images, "images");
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
        }
        List<ImageJob> jobs = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            beforeEach.run();
            jobs.add(completionJob(i, seed, JpegStreams.prefix(streamOf(images.get(i)), ratio)));
        }
        return jobs;
    }

    /**
     * Token healing: the prompt's last token is taken back and its bytes forced, so the model's first token may be
     * one that spans the cut, as it would have in training.
     */
    private ImageJob completionJob(int index, long seed, byte[] prefix) {
        int[] prompt = tokenizer.encode(prefix, true, false);
        int last = prompt.length - 1;
        byte[] forced = last > 0 ? tokens.bytes(prompt[last]) : new byte[0];
        if (last > 0) {
            prompt = Arrays.copyOf(prompt, last);
        }
        if (prompt.length >= contextLength) {
            throw new IllegalArgumentException("image " + index + "'s prompt takes " + prompt.length
                    + " tokens, leaving none of the model's context of " + contextLength);
        }
        return new ImageJob(
                index, seedOf(seed, index), prompt, Arrays.copyOf(prefix, prefix.length - forced.length), forced);
    }

    /** The abbreviated stream of image under the model's profile and tables (fitted to its size). */
    byte[] streamOf(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        BufferedImage fitted = image.getWidth() == spec.profile().width()
                        && image.getHeight() == spec.profile().height()
                ? image
                : JpegImages.fit(image, spec.profile().width(), spec.profile().height());
        return encoder.encode(fitted);
    }

    /** Image index's seed: the request's seed and the index, mixed (SplitMix64), so neighbouring seeds differ. */
    static long seedOf(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
