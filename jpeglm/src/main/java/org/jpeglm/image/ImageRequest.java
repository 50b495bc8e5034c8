package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;
import org.jpeglm.SamplingParams;
import org.jpeglm.codec.GenerationOptions;

/**
 * One request to an {@link ImageService}: generate {@code count} images, or complete each of {@code prompts} from
 * its first {@code ratio} of MCUs (then {@code count == prompts.size()}).
 *
 * <p>Image i is sampled with {@code sampling} and its own seed derived from {@code seed} and i, exactly as
 * {@link ImageGenerator} derives it (the seed inside {@code sampling} is not used), so a request run alone with the
 * same parallel count gives the bytes {@link ImageGenerator} and the CLI give; see {@link ImageService} for what a
 * seed guarantees when requests share a batch.
 *
 * @param count images (at least 1)
 * @param seed the request's base seed
 * @param sampling how tokens are drawn
 * @param constrained sample only tokens that keep the stream valid JPEG
 * @param maxTokens most tokens generated per image; 0: as many as the model's context allows
 * @param prompts images to complete; empty to generate
 * @param ratio for completions, the share of each prompt's MCUs kept (0..1); 0 when generating
 * @param previews how often each image is previewed
 */
public record ImageRequest(
        int count,
        long seed,
        SamplingParams sampling,
        boolean constrained,
        int maxTokens,
        List<BufferedImage> prompts,
        double ratio,
        PreviewPolicy previews) {
    public ImageRequest {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(previews, "previews");
        prompts = List.copyOf(Objects.requireNonNull(prompts, "prompts"));
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (!prompts.isEmpty() && count != prompts.size()) {
            throw new IllegalArgumentException(
                    "count must equal the number of prompt images (" + prompts.size() + "), got " + count);
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("ratio must be in [0, 1], got " + ratio);
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
    }

    /** Whether the request completes prompt images rather than generating from nothing. */
    public boolean isCompletion() {
        return !prompts.isEmpty();
    }

    /** A request for count images from nothing. */
    public static Builder generate(int count) {
        return new Builder(count, List.of(), 0);
    }

    /** A request to complete each image from its first ratio of MCUs. */
    public static Builder complete(List<BufferedImage> images, double ratio) {
        Objects.requireNonNull(images, "images");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("a completion needs at least one image");
        }
        return new Builder(images.size(), images, ratio);
    }

    /** Builder; defaults: seed 0, {@link GenerationOptions#DEFAULT_SAMPLING}, constrained, limit from the context, no previews. */
    public static final class Builder {
        private final int count;
        private final List<BufferedImage> prompts;
        private final double ratio;
        private long seed;
        private SamplingParams sampling = GenerationOptions.DEFAULT_SAMPLING;
        private boolean constrained = true;
        private int maxTokens;
        private PreviewPolicy previews = PreviewPolicy.none();

        private Builder(int count, List<BufferedImage> prompts, double ratio) {
            this.count = count;
            this.prompts = prompts;
            this.ratio = ratio;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder sampling(SamplingParams sampling) {
            this.sampling = sampling;
            return this;
        }

        public Builder constrained(boolean constrained) {
            this.constrained = constrained;
            return this;
        }

        public Builder maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder previews(PreviewPolicy previews) {
            this.previews = previews;
            return this;
        }

        public ImageRequest build() {
            return new ImageRequest(count, seed, sampling, constrained, maxTokens, prompts, ratio, previews);
        }
    }
}
