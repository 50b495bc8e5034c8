package org.jpeglm.codec;

import java.util.Objects;
import org.jpeglm.SamplingParams;
import org.jpeglm.ThreadOptions;

/**
 * How a generator or a service runs, whatever the codec: its one session (parallel sequences, threads, batch size,
 * determinism), its requests' defaults (sampling, seed, grammar, token limit) and a service's queue. Checked here,
 * once, for every codec; a codec whose requests sample otherwise by default names its preset (videos:
 * {@code VideoModel.options()}).
 *
 * @param parallel results written together, one sequence each, in one native step (1..256)
 * @param threads how the session uses the CPU; {@link ThreadOptions#AUTOMATIC} by default
 * @param batchSize tokens per native evaluation when feeding prompts and scoring (at least 1)
 * @param deterministic evaluate every step in a shape that keeps each result's bytes independent of the parallel
 *     count and of what shares the batch (on the CPU), at a cost in speed
 * @param sampling how tokens are drawn; each result's seed is derived from {@link #seed} and its index
 * @param seed the request's base seed: the same seed gives the same results
 * @param constrained sample only tokens that keep the stream valid, for a codec with a grammar (JPEG); a codec
 *     without one samples freely
 * @param maxTokens most tokens generated per result; 0: as many as the model's context allows
 * @param maxQueued most results a service lets wait for a sequence (at least 1)
 */
public record GenerationOptions(
        int parallel,
        ThreadOptions threads,
        int batchSize,
        boolean deterministic,
        SamplingParams sampling,
        long seed,
        boolean constrained,
        int maxTokens,
        int maxQueued) {
    /**
     * How results are sampled unless a caller says otherwise: temperature 1 and min-p 0.1 (tokens less likely than a
     * tenth of the best one are dropped). Chosen by the quality metric: the best FID of a temperature / top-k / top-p /
     * min-p sweep of the bundled image model (models/README.md, "Quality by the metric").
     */
    public static final SamplingParams DEFAULT_SAMPLING =
            SamplingParams.builder().temperature(1.0f).minP(0.1f).build();

    /** Results a service lets wait unless told otherwise. */
    public static final int DEFAULT_MAX_QUEUED = 1024;

    public GenerationOptions {
        if (parallel < 1 || parallel > 256) {
            throw new IllegalArgumentException("parallel must be in [1, 256], got " + parallel);
        }
        Objects.requireNonNull(threads, "threads");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        Objects.requireNonNull(sampling, "sampling");
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("maxQueued must be positive, got " + maxQueued);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Defaults: 1 at a time, automatic threads, batch 512, not deterministic, {@link #DEFAULT_SAMPLING}, seed 0,
     * constrained, the limit from the context, 1,024 queued. These are the image codecs' request defaults; a video
     * model is sampled at temperature 1 with no filter, as the paper samples: start from {@code VideoModel.options()}.
     */
    public static GenerationOptions defaults() {
        return builder().build();
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder()
                .parallel(parallel)
                .threads(threads)
                .batchSize(batchSize)
                .deterministic(deterministic)
                .sampling(sampling)
                .seed(seed)
                .constrained(constrained)
                .maxTokens(maxTokens)
                .maxQueued(maxQueued);
    }

    /** The builder; {@link #build()} checks as the record does. */
    public static final class Builder {
        private int parallel = 1;
        private ThreadOptions threads = ThreadOptions.AUTOMATIC;
        private int batchSize = 512;
        private boolean deterministic;
        private SamplingParams sampling = DEFAULT_SAMPLING;
        private long seed;
        private boolean constrained = true;
        private int maxTokens;
        private int maxQueued = DEFAULT_MAX_QUEUED;

        private Builder() {}

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

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        public Builder deterministic(boolean deterministic) {
            this.deterministic = deterministic;
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

        public Builder maxQueued(int maxQueued) {
            this.maxQueued = maxQueued;
            return this;
        }

        /** @throws IllegalArgumentException as the record checks */
        public GenerationOptions build() {
            return new GenerationOptions(
                    parallel, threads, batchSize, deterministic, sampling, seed, constrained, maxTokens, maxQueued);
        }
    }
}
