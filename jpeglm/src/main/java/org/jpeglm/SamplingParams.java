package org.jpeglm;

/**
 * How a sequence picks its next token; the filters run in the order top-k, top-p, min-p, then temperature.
 *
 * @param temperature 0 picks the most likely token (greedy); above 0 samples
 * @param topK keep the k most likely tokens; 0 disables
 * @param topP keep the smallest set of tokens whose probability reaches p; 1 disables
 * @param minP drop tokens less likely than minP times the most likely one; 0 disables
 * @param seed the random seed; the same seed and model give the same tokens
 */
public record SamplingParams(float temperature, int topK, float topP, float minP, long seed) {
    public SamplingParams {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0, got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("minP must be in [0, 1], got " + minP);
        }
    }

    /** Always the most likely token. */
    public static SamplingParams greedy() {
        return new SamplingParams(0, 0, 1, 0, 0);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** This record with another seed (e.g. one per image). */
    public SamplingParams withSeed(long seed) {
        return new SamplingParams(temperature, topK, topP, minP, seed);
    }

    /** Builder; defaults: temperature 1, no top-k, top-p or min-p filter, seed 0. */
    public static final class Builder {
        private float temperature = 1;
        private int topK;
        private float topP = 1;
        private float minP;
        private long seed;

        public Builder temperature(float temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topK(int topK) {
            this.topK = topK;
            return this;
        }

        public Builder topP(float topP) {
            this.topP = topP;
            return this;
        }

        public Builder minP(float minP) {
            this.minP = minP;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public SamplingParams build() {
            return new SamplingParams(temperature, topK, topP, minP, seed);
        }
    }
}
