package org.jpeglm.avclm;

import static org.jpeglm.codec.GenerationOptions.DEFAULT_MAX_QUEUED;

import org.jpeglm.SamplingParams;
import org.jpeglm.ThreadOptions;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.OptionsBuilder;

/**
 * How a {@link VideoGenerator} runs. Videos are sampled freely (no grammar), as the paper samples them.
 *
 * @param parallel videos generated together, one sequence each, in one native step (1..256)
 * @param threads how the session uses the CPU; {@link ThreadOptions#AUTOMATIC} by default
 * @param sampling how tokens are drawn; each video's seed is derived from {@link #seed} and its index
 * @param seed the request's base seed: the same seed gives the same videos
 * @param maxTokens most tokens generated per video; 0: as many as the model's context allows
 * @param batchSize tokens per native evaluation when feeding prompts and scoring
 * @param deterministic evaluate every step in the batch-invariant shape, as {@code GeneratorOptions.deterministic}
 *     does for images: on the CPU a video's bytes then do not depend on the parallel count, at a cost in speed
 */
public record VideoOptions(
        int parallel,
        ThreadOptions threads,
        SamplingParams sampling,
        long seed,
        int maxTokens,
        int batchSize,
        boolean deterministic) {
    public VideoOptions {
        // Checked as the one record is, with the same messages.
        new GenerationOptions(
                parallel, threads, batchSize, deterministic, sampling, seed, false, maxTokens, DEFAULT_MAX_QUEUED);
    }

    /** These options as the one record every codec's generator takes (checked there); videos are not constrained. */
    public GenerationOptions generation() {
        return new GenerationOptions(
                parallel, threads, batchSize, deterministic, sampling, seed, false, maxTokens, DEFAULT_MAX_QUEUED);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: 1 video at a time, automatic threads, temperature 1, seed 0, limit from the context, batch 512, not deterministic. */
    public static VideoOptions defaults() {
        return builder().build();
    }

    /**
     * The generic builder's defaults and checks, except that videos are sampled at temperature 1 with no other filter
     * and without a grammar.
     */
    public static final class Builder extends OptionsBuilder.RequestOptionsBuilder<VideoOptions, Builder> {
        public Builder() {
            sampling(SamplingParams.builder().temperature(1.0f).build());
            constrained(false);
        }

        @Override
        protected VideoOptions view(GenerationOptions g) {
            return new VideoOptions(
                    g.parallel(), g.threads(), g.sampling(), g.seed(), g.maxTokens(), g.batchSize(), g.deterministic());
        }
    }
}
