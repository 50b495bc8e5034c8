package org.jpeglm.codec;

import org.jpeglm.SamplingParams;
import org.jpeglm.ThreadOptions;

/**
 * The one builder of {@link GenerationOptions} and of every codec's view of it ({@code GeneratorOptions},
 * {@code VideoOptions}, {@code ServiceOptions}): each setter written once here, each view adding only its defaults
 * (set in its constructor), the setters it makes public and how it wraps the checked record ({@link #view}).
 *
 * <p>The session's settings are public to all; a request's defaults ({@link RequestOptionsBuilder}), the grammar switch
 * and the queue bound are public only in the views that have them.
 *
 * @param <O> the options built
 * @param <B> the builder itself, so that its setters chain
 */
public abstract class OptionsBuilder<O, B extends OptionsBuilder<O, B>> {
    private int parallel = 1;
    private ThreadOptions threads = ThreadOptions.AUTOMATIC;
    private int batchSize = 512;
    private boolean deterministic;
    private SamplingParams sampling = GenerationOptions.DEFAULT_SAMPLING;
    private long seed;
    private boolean constrained = true;
    private int maxTokens;
    private int maxQueued = GenerationOptions.DEFAULT_MAX_QUEUED;

    protected OptionsBuilder() {}

    /** These options from the record built and checked by {@link #build()}. */
    protected abstract O view(GenerationOptions options);

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    public B parallel(int parallel) {
        this.parallel = parallel;
        return self();
    }

    /** Threads for every decode, 0 (the default) automatic; the other thread settings stay. */
    public B threads(int threads) {
        this.threads = this.threads.withThreads(threads);
        return self();
    }

    public B threads(ThreadOptions threads) {
        this.threads = threads;
        return self();
    }

    public B batchSize(int batchSize) {
        this.batchSize = batchSize;
        return self();
    }

    public B deterministic(boolean deterministic) {
        this.deterministic = deterministic;
        return self();
    }

    protected B sampling(SamplingParams sampling) {
        this.sampling = sampling;
        return self();
    }

    protected B seed(long seed) {
        this.seed = seed;
        return self();
    }

    protected B constrained(boolean constrained) {
        this.constrained = constrained;
        return self();
    }

    protected B maxTokens(int maxTokens) {
        this.maxTokens = maxTokens;
        return self();
    }

    protected B maxQueued(int maxQueued) {
        this.maxQueued = maxQueued;
        return self();
    }

    /** @throws IllegalArgumentException as {@link GenerationOptions} checks */
    public final O build() {
        return view(new GenerationOptions(
                parallel, threads, batchSize, deterministic, sampling, seed, constrained, maxTokens, maxQueued));
    }

    /**
     * An {@link OptionsBuilder} whose options carry a request's defaults: sampling, seed and token limit public.
     *
     * @param <O> the options built
     * @param <B> the builder itself
     */
    public abstract static class RequestOptionsBuilder<O, B extends RequestOptionsBuilder<O, B>>
            extends OptionsBuilder<O, B> {
        protected RequestOptionsBuilder() {}

        @Override
        public B sampling(SamplingParams sampling) {
            return super.sampling(sampling);
        }

        @Override
        public B seed(long seed) {
            return super.seed(seed);
        }

        @Override
        public B maxTokens(int maxTokens) {
            return super.maxTokens(maxTokens);
        }
    }
}
