package org.jpeglm.image;

import org.jpeglm.SamplingParams;
import org.jpeglm.ThreadOptions;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.OptionsBuilder;

/**
 * How an {@link ImageGenerator} runs.
 *
 * @param parallel images generated together, one sequence each, in one native step (1..256)
 * @param threads how the session uses the CPU; {@link ThreadOptions#AUTOMATIC} by default
 * @param sampling how tokens are drawn; each image's seed is derived from {@link #seed} and its index
 * @param seed the request's base seed: the same seed gives the same images
 * @param constrained sample only tokens that keep the stream valid JPEG (see {@link SyntaxMasks}); off samples
 *     freely as the paper does and leaves invalid streams to repair
 * @param maxTokens most tokens generated per image; 0: as many as the model's context allows
 * @param batchSize tokens per native evaluation when feeding prompts and scoring
 * @param deterministic evaluate every step in a shape that keeps each image's bytes independent of the parallel
 *     count (on the CPU; see {@link org.jpeglm.codec.Service}, "What a seed guarantees"), at a cost in speed; off, a seed
 *     repeats its images only with the same parallel count
 */
public record GeneratorOptions(
        int parallel,
        ThreadOptions threads,
        SamplingParams sampling,
        long seed,
        boolean constrained,
        int maxTokens,
        int batchSize,
        boolean deterministic) {
    public GeneratorOptions {
        // Checked as the one record is, with the same messages.
        new GenerationOptions(
                parallel, threads, batchSize, deterministic, sampling, seed, constrained, maxTokens, QUEUE);
    }

    /** A generator has no queue: its record keeps the services' default bound. */
    private static final int QUEUE = GenerationOptions.DEFAULT_MAX_QUEUED;

    /** These options as the one record every codec's generator and service take (checked there). */
    public GenerationOptions generation() {
        return new GenerationOptions(
                parallel, threads, batchSize, deterministic, sampling, seed, constrained, maxTokens, QUEUE);
    }

    /**
     * How images are sampled unless a caller says otherwise: temperature 1 and min-p 0.1 (tokens less likely than a
     * tenth of the best one are dropped). The generator, {@link ImageRequest}, the command line and the server all
     * start from this one value. Chosen by the quality metric: the best FID of a temperature / top-k / top-p / min-p
     * sweep of the bundled model (models/README.md, "Quality by the metric"): {@link GenerationOptions#DEFAULT_SAMPLING}.
     */
    public static final SamplingParams DEFAULT_SAMPLING = GenerationOptions.DEFAULT_SAMPLING;

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: 1 image at a time, automatic threads, {@link #DEFAULT_SAMPLING}, seed 0, constrained, limit from the context, batch 512,
     * not deterministic.
     */
    public static GeneratorOptions defaults() {
        return builder().build();
    }

    /** The generic builder's defaults and checks; of its settings, this view's fields. */
    public static final class Builder extends OptionsBuilder.RequestOptionsBuilder<GeneratorOptions, Builder> {
        @Override
        public Builder constrained(boolean constrained) {
            return super.constrained(constrained);
        }

        @Override
        protected GeneratorOptions view(GenerationOptions g) {
            return new GeneratorOptions(
                    g.parallel(),
                    g.threads(),
                    g.sampling(),
                    g.seed(),
                    g.constrained(),
                    g.maxTokens(),
                    g.batchSize(),
                    g.deterministic());
        }
    }
}
