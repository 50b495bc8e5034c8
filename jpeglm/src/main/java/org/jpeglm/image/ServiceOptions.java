package org.jpeglm.image;

import org.jpeglm.ThreadOptions;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.OptionsBuilder;

/**
 * How an {@link ImageService} runs.
 *
 * @param parallel sequences of its one session: images written together, one native step for all (1..256)
 * @param threads how the session uses the CPU; {@link ThreadOptions#AUTOMATIC} by default
 * @param batchSize tokens per native evaluation when feeding prompts
 * @param maxQueuedImages most images waiting for a sequence; a request that would exceed it is refused with
 *     {@link org.jpeglm.codec.ServiceBusyException}
 * @param deterministic evaluate every step in a shape that keeps each image's bytes independent of the parallel
 *     count and of the requests sharing the batch (on the CPU; see {@link org.jpeglm.codec.Service}, "What a seed guarantees"),
 *     at a cost in speed
 */
public record ServiceOptions(
        int parallel, ThreadOptions threads, int batchSize, int maxQueuedImages, boolean deterministic) {
    public ServiceOptions {
        generation(parallel, threads, batchSize, maxQueuedImages, deterministic); // checks
    }

    /**
     * These options as the one record every codec's service takes (checked there); the request defaults are
     * {@link GenerationOptions#defaults()}'s: each {@link ImageRequest} brings its own.
     */
    public GenerationOptions generation() {
        return generation(parallel, threads, batchSize, maxQueuedImages, deterministic);
    }

    private static GenerationOptions generation(
            int parallel, ThreadOptions threads, int batchSize, int maxQueued, boolean deterministic) {
        return GenerationOptions.builder()
                .parallel(parallel)
                .threads(threads)
                .batchSize(batchSize)
                .maxQueued(maxQueued)
                .deterministic(deterministic)
                .build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The generic builder (its defaults and checks) with the session's settings and the queue bound; defaults: 4
     * sequences, automatic threads, batch 512, 1,024 queued images, not deterministic.
     */
    public static final class Builder extends OptionsBuilder<ServiceOptions, Builder> {
        public Builder() {
            parallel(4);
        }

        public Builder maxQueuedImages(int maxQueuedImages) {
            return maxQueued(maxQueuedImages);
        }

        @Override
        protected ServiceOptions view(GenerationOptions g) {
            return new ServiceOptions(g.parallel(), g.threads(), g.batchSize(), g.maxQueued(), g.deterministic());
        }
    }
}
