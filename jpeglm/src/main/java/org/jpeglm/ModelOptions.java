package org.jpeglm;

import java.util.List;

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
 * @param devices the devices the offloaded layers go to, by {@link Device#name()} ("CUDA0", "Vulkan0"; "CPU"
 *     means the CPU, which runs the other layers anyway); empty: jpeglm picks every CUDA device, else every Vulkan
 *     GPU, else none; {@value #CPU_ONLY} alone: none, every layer stays on the CPU. A name no device has makes
 *     {@link Model#load} fail, listing the devices there are.
 */
public record ModelOptions(int gpuLayers, boolean mmap, boolean checkTensors, List<String> devices) {
    /** The device list that keeps every layer on the CPU (llama.cpp's {@code --device none}). */
    public static final String CPU_ONLY = "none";

    public ModelOptions {
        if (gpuLayers < -1) {
            throw new IllegalArgumentException("gpuLayers must be -1 (all) or >= 0, got " + gpuLayers);
        }
        devices = List.copyOf(devices);
        if (devices.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("a device name is blank: " + devices);
        }
        if (devices.contains(CPU_ONLY) && devices.size() > 1) {
            throw new IllegalArgumentException("'" + CPU_ONLY + "' names no device, so it stands alone: " + devices);
        }
    }

    /** CPU only, read into memory. */
    public static ModelOptions defaults() {
        return new ModelOptions(0, false, false, List.of());
    }

    /** Whether jpeglm picks the devices (no device list given). */
    public boolean automaticDevices() {
        return devices.isEmpty();
    }

    /** The named devices to offload to: empty for {@value #CPU_ONLY} (and when jpeglm picks). */
    List<String> offloadDevices() {
        return devices.equals(List.of(CPU_ONLY)) ? List.of() : devices;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builder with the {@link #defaults()}. */
    public static final class Builder {
        private int gpuLayers;
        private boolean mmap;
        private boolean checkTensors;
        private List<String> devices = List.of();

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

        /** The devices to offload to, by name (see {@link ModelOptions#devices()}); none given: jpeglm picks. */
        public Builder devices(List<String> devices) {
            this.devices = List.copyOf(devices);
            return this;
        }

        public Builder devices(String... devices) {
            return devices(List.of(devices));
        }

        /** Keeps every layer on the CPU, whatever {@link #gpuLayers} says. */
        public Builder cpuOnly() {
            return devices(CPU_ONLY);
        }

        public ModelOptions build() {
            return new ModelOptions(gpuLayers, mmap, checkTensors, devices);
        }
    }
}
