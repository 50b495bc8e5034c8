package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.util.Locale;

/**
 * The shape of a session.
 *
 * @param contextLength tokens each sequence can hold
 * @param sequences independent sequences stepped together (1..256)
 * @param batchSize tokens per native evaluation when feeding prompts
 * @param threads how the session uses the CPU (counts, polling, CPU mask); {@link ThreadOptions#AUTOMATIC} by default
 * @param kvUnified one KV buffer shared by all sequences (faster when they share a long prefix)
 * @param flashAttention whether llama.cpp uses flash attention
 * @param kvCacheType the element type of the KV cache
 * @param reservedCpus CPUs the automatic thread counts leave to the process's other work (0..512): the engine
 *     reserves one for codecs whose results are decoded on other threads while it writes more (videos)
 */
public record SessionOptions(
        int contextLength,
        int sequences,
        int batchSize,
        ThreadOptions threads,
        boolean kvUnified,
        FlashAttention flashAttention,
        KvCacheType kvCacheType,
        int reservedCpus) {
    /** Flash attention choice; AUTO lets llama.cpp decide per backend. */
    public enum FlashAttention {
        AUTO,
        ON,
        OFF
    }

    /**
     * KV cache precision: F16 (llama.cpp's default, half the memory of F32), F32, or Q8_0 (8-bit blocks, about half
     * of F16's memory; needs flash attention, so not with {@link FlashAttention#OFF}). F32 with flash attention OFF
     * makes attention float32 throughout (llama.cpp's CPU flash attention rounds through F16 whatever the cache
     * type). On the CPU a Q8_0 cache is also the fastest for small models, whose steps are mostly attention.
     */
    public enum KvCacheType {
        F16,
        F32,
        Q8_0;

        /**
         * The GGUF key by which a model file names the cache type it runs with by default (the image and video engines
         * read it; {@code convert --kv-cache-type} writes it): {@code f16}, {@code f32} or {@code q8_0}.
         */
        public static final String GGUF_KEY = "jpeglm.kv_cache_type";

        /** The name in a GGUF file: "f16", "f32", "q8_0". */
        public String ggufName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The type a GGUF name stands for; an unknown name is an error naming the key. */
        public static KvCacheType ofGguf(String name) {
            for (KvCacheType t : values()) {
                if (t.ggufName().equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException(GGUF_KEY + " is '" + name + "', not one of f16, f32, q8_0");
        }

        /** The cache type model's file asks for ({@link #GGUF_KEY}), else F16 (llama.cpp's default). */
        public static KvCacheType of(Model model) {
            return model.metadata()
                    .get(GGUF_KEY)
                    .map(v -> ofGguf(String.valueOf(v.value())))
                    .orElse(F16);
        }
    }

    public SessionOptions {
        if (contextLength < 1) {
            throw new IllegalArgumentException("contextLength must be positive, got " + contextLength);
        }
        if (sequences < 1 || sequences > 256) {
            throw new IllegalArgumentException("sequences must be in [1, 256], got " + sequences);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        if (threads == null) {
            throw new IllegalArgumentException("threads must not be null");
        }
        if (flashAttention == null) {
            throw new IllegalArgumentException("flashAttention must not be null");
        }
        if (kvCacheType == null) {
            throw new IllegalArgumentException("kvCacheType must not be null");
        }
        if (reservedCpus < 0 || reservedCpus > ThreadOptions.MAX_THREADS) {
            throw new IllegalArgumentException(
                    "reservedCpus must be in [0, " + ThreadOptions.MAX_THREADS + "], got " + reservedCpus);
        }
        if (kvCacheType == KvCacheType.Q8_0 && flashAttention == FlashAttention.OFF) {
            throw new IllegalArgumentException("a Q8_0 KV cache needs flash attention (AUTO or ON)");
        }
    }

    /** The JPEGLM_SESSION_* flags of these options. */
    int nativeFlags() {
        int attention = switch (flashAttention) {
            case AUTO -> 0;
            case ON -> JPEGLM_SESSION_FLASH_ATTN_ON();
            case OFF -> JPEGLM_SESSION_FLASH_ATTN_OFF();
        };
        return attention
                | (kvUnified ? JPEGLM_SESSION_KV_UNIFIED() : 0)
                | (kvCacheType == KvCacheType.F32 ? JPEGLM_SESSION_KV_F32() : 0)
                | (kvCacheType == KvCacheType.Q8_0 ? JPEGLM_SESSION_KV_Q8_0() : 0);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder; defaults: 4096 tokens, 1 sequence, batch 512, automatic threads, per-sequence KV in F16, flash
     * attention AUTO, no CPU reserved.
     */
    public static final class Builder {
        private int contextLength = 4096;
        private int sequences = 1;
        private int batchSize = 512;
        private ThreadOptions threads = ThreadOptions.AUTOMATIC;
        private boolean kvUnified;
        private FlashAttention flashAttention = FlashAttention.AUTO;
        private KvCacheType kvCacheType = KvCacheType.F16;
        private int reservedCpus;

        public Builder contextLength(int contextLength) {
            this.contextLength = contextLength;
            return this;
        }

        public Builder sequences(int sequences) {
            this.sequences = sequences;
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = batchSize;
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

        public Builder kvUnified(boolean kvUnified) {
            this.kvUnified = kvUnified;
            return this;
        }

        public Builder flashAttention(FlashAttention flashAttention) {
            this.flashAttention = flashAttention;
            return this;
        }

        public Builder kvCacheType(KvCacheType kvCacheType) {
            this.kvCacheType = kvCacheType;
            return this;
        }

        public Builder reservedCpus(int reservedCpus) {
            this.reservedCpus = reservedCpus;
            return this;
        }

        public SessionOptions build() {
            return new SessionOptions(
                    contextLength, sequences, batchSize, threads, kvUnified, flashAttention, kvCacheType, reservedCpus);
        }
    }
}
