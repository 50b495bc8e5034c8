package org.jpeglm;

/**
 * How a model is loaded.
 *
 * @param gpuLayers layers to offload to the GPU: 0 none, -1 all
 * @param mmap memory-map the file (true) or read the weights into memory (false, the default). A mapping is shared
 *     with the page cache and loads lazily, but it reads the weights from the file on every step: a file truncated
 *     while in use kills the process (SIGBUS in the kernels) and one rewritten in place silently changes the
 *     outputs. Read into memory, the model is immune to what happens to its file after {@link Model#load}. Map
 *     only files nothing will write to while they are in use (replacing them by rename is safe either way).
 * @param checkTensors validate tensor data while loading (slower)
 */
public record ModelOptions(int gpuLayers, boolean mmap, boolean checkTensors) {
    public ModelOptions {
        if (gpuLayers < -1) {
            throw new IllegalArgumentException("gpuLayers must be -1 (all) or >= 0, got " + gpuLayers);
        }
    }

    /** CPU only, read into memory. */
    public static ModelOptions defaults() {
        return new ModelOptions(0, false, false);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the {@link #defaults()}. */
    public static final class Builder {
        private int gpuLayers;
        private boolean mmap;
        private boolean checkTensors;

        public Builder gpuLayers(int gpuLayers) {
            this.gpuLayers = gpuLayers;
            return this;
        }

        /** Offloads every layer to the GPU. */
        public Builder allLayersOnGpu() {
            this.gpuLayers = -1;
            return this;
        }

        public Builder mmap(boolean mmap) {
            this.mmap = mmap;
            return this;
        }

        public Builder checkTensors(boolean checkTensors) {
            this.checkTensors = checkTensors;
            return this;
        }

        public ModelOptions build() {
            return new ModelOptions(gpuLayers, mmap, checkTensors);
        }
    }
}
