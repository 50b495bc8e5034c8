package org.jpeglm.image;

import org.jpeglm.SamplingParams;
import org.jpeglm.ThreadOptions;
import org.jpeglm.codec.GenerationOptions;

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
 *     count (on the CPU; see {@link ImageService}, "What a seed guarantees"), at a cost in speed; off, a seed
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
        generation(parallel, threads, sampling, seed, constrained, maxTokens, batchSize, deterministic); // checks
    }

    /** These options as the one record every codec's generator and service take (checked there). */
    public GenerationOptions generation() {
        return generation(parallel, threads, sampling, seed, constrained, maxTokens, batchSize, deterministic);
    }

    private static GenerationOptions generation(
            int parallel,
            ThreadOptions threads,
            SamplingParams sampling,
            long seed,
            boolean constrained,
            int maxTokens,
            int batchSize,
            boolean deterministic) {
        return new GenerationOptions(
                parallel,
                threads,
                batchSize,
                deterministic,
                sampling,
                seed,
                constrained,
                maxTokens,
                GenerationOptions.DEFAULT_MAX_QUEUED);
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

    public static final class Builder {
        private int parallel = 1;
        private ThreadOptions threads = ThreadOptions.AUTOMATIC;
        private SamplingParams sampling = DEFAULT_SAMPLING;
        private long seed;
        private boolean constrained = true;
        private int maxTokens;
        private int batchSize = 512;
        private boolean deterministic;

        public Builder parallel(int parallel) {
            this.parallel = parallel;
            return this;
        }

        /** Threads for every decode, 0 (the default) automatic; the other thread settings stay. */
        public Builder threads(int threads) {
            this.threads = this.threads.withThreads(threads);
            return this;
        }

        public Builder threads(ThreadOptions threads) {
            this.threads = threads;
            return this;
        }

        public Builder sampling(SamplingParams sampling) {
            this.sampling = sampling;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
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

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder deterministic(boolean deterministic) {
            this.deterministic = deterministic;
            return this;
        }

        public GeneratorOptions build() {
            return new GeneratorOptions(
                    parallel, threads, sampling, seed, constrained, maxTokens, batchSize, deterministic);
        }
    }
}
