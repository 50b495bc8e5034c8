package org.jpeglm;

import java.util.Objects;

/**
 * A device the native backends found ({@link Jpeglm#devices()}): the CPU, and each GPU or accelerator whose
 * backend is present and usable; after a model was loaded with {@link ModelOptions#rpcServers()}, the servers'
 * devices too ({@link Type#RPC}, described as "rpc-server HOST:PORT"). Memory is in bytes, as the backend reports
 * it (the CPU's is the system's).
 *
 * @param index the device's position in llama.cpp's list (0 .. count - 1)
 * @param name the backend's name for it: "CPU", "CUDA0", "Vulkan0", ...
 * @param description what the backend says it is (e.g. the GPU's or CPU's model)
 * @param type its kind
 * @param memoryFree free memory in bytes
 * @param memoryTotal total memory in bytes
 */
public record Device(int index, String name, String description, Type type, long memoryFree, long memoryTotal) {
    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index " + index + " is negative");
        }
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(type, "type");
        if (memoryFree < 0 || memoryTotal < 0) {
            throw new IllegalArgumentException(
                    "device " + name + " reports negative memory (free " + memoryFree + ", total " + memoryTotal + ")");
        }
    }

    /** The kind of a device; the native values are jpeglm.h's JPEGLM_DEVICE_* (NativeConstantsTest ties them). */
    public enum Type {
        /** The CPU, using system memory. */
        CPU(0),
        /** A GPU with its own memory. */
        GPU(1),
        /** An integrated GPU, using system memory. */
        IGPU(2),
        /** An accelerator used together with the CPU (BLAS, AMX, ...). */
        ACCEL(3),
        /** A device of another kind. */
        OTHER(4),
        /** A device of an rpc-server on another machine ({@link ModelOptions#rpcServers()}). */
        RPC(5);

        private final int nativeValue;

        Type(int nativeValue) {
            this.nativeValue = nativeValue;
        }

        int nativeValue() {
            return nativeValue;
        }

        static Type ofNative(int value) {
            for (Type t : values()) {
                if (t.nativeValue == value) {
                    return t;
                }
            }
            return OTHER;
        }
    }
}
