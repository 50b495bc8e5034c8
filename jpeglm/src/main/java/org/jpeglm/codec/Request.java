package org.jpeglm.codec;

import java.util.List;
import java.util.Objects;
import org.jpeglm.SamplingParams;

/**
 * One request to a {@link Service}: generate {@code count} results, or complete each of {@code prompts} from its first
 * units as {@code cut} says (then {@code count == prompts.size()}).
 *
 * <p>Result i is sampled with {@code sampling} and its own seed derived from {@code seed} and i, exactly as
 * {@link Generator} derives it (the seed inside {@code sampling} is not used), so a request run alone with the same
 * parallel count gives the bytes a {@link Generator} and the CLI give; see {@link Service} for what a seed guarantees
 * when requests share a batch.
 *
 * @param count results (at least 1)
 * @param seed the request's base seed
 * @param sampling how tokens are drawn
 * @param constrained sample only tokens that keep the stream valid, for a codec with a grammar (JPEG)
 * @param maxTokens most tokens generated per result; 0: as many as the model's context allows
 * @param prompts artefacts to complete; empty to generate
 * @param cut for completions, where each prompt is cut (checked against the codec's range on submit); null when
 *     generating
 * @param previews how often each result is previewed (codecs that make previews)
 * @param <A> the codec's artefact
 */
public record Request<A>(
        int count,
        long seed,
        SamplingParams sampling,
        boolean constrained,
        int maxTokens,
        List<A> prompts,
        Cut cut,
        Previews previews) {
    public Request {
        Objects.requireNonNull(sampling, "sampling");
        Objects.requireNonNull(previews, "previews");
        prompts = List.copyOf(Objects.requireNonNull(prompts, "prompts"));
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (!prompts.isEmpty() && count != prompts.size()) {
            throw new IllegalArgumentException(
                    "count must equal the number of prompts (" + prompts.size() + "), got " + count);
        }
        if (!prompts.isEmpty() && cut == null) {
            throw new IllegalArgumentException("a completion needs a cut");
        }
        if (maxTokens < 0) {
            throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        }
    }

    /** Whether the request completes prompts rather than generating from nothing. */
    public boolean isCompletion() {
        return !prompts.isEmpty();
    }

    /**
     * A request for count results from nothing, its defaults (sampling, seed, grammar, token limit) those of options;
     * no previews.
     */
    public static <A> Builder<A> generate(int count, GenerationOptions options) {
        return new Builder<>(count, List.of(), null, options);
    }

    /** A request to complete each of prompts from its first units as cut says; defaults from options. */
    public static <A> Builder<A> complete(List<? extends A> prompts, Cut cut, GenerationOptions options) {
        Objects.requireNonNull(prompts, "prompts");
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("a completion needs at least one prompt");
        }
        return new Builder<>(prompts.size(), List.copyOf(prompts), Objects.requireNonNull(cut, "cut"), options);
    }

    /** Builder: the count, prompts and cut are fixed; the rest starts from a {@link GenerationOptions}. */
    public static final class Builder<A> {
        private final int count;
        private final List<A> prompts;
        private final Cut cut;
        private long seed;
        private SamplingParams sampling;
        private boolean constrained;
        private int maxTokens;
        private Previews previews = Previews.NONE;

        private Builder(int count, List<A> prompts, Cut cut, GenerationOptions defaults) {
            Objects.requireNonNull(defaults, "defaults");
            this.count = count;
            this.prompts = prompts;
            this.cut = cut;
            this.seed = defaults.seed();
            this.sampling = defaults.sampling();
            this.constrained = defaults.constrained();
            this.maxTokens = defaults.maxTokens();
        }

        public Builder<A> seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Builder<A> sampling(SamplingParams sampling) {
            this.sampling = sampling;
            return this;
        }

        public Builder<A> constrained(boolean constrained) {
            this.constrained = constrained;
            return this;
        }

        public Builder<A> maxTokens(int maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder<A> previews(Previews previews) {
            this.previews = previews;
            return this;
        }

        public Request<A> build() {
            return new Request<>(count, seed, sampling, constrained, maxTokens, prompts, cut, previews);
        }
    }
}
