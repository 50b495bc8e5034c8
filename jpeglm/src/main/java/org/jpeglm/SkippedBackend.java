package org.jpeglm;

import java.util.Objects;

/**
 * A GPU backend library of the native runtime that is not in use ({@link Jpeglm#skippedBackends()}): its driver or
 * runtime is missing (libvulkan.so.1, the CUDA runtime), or it found no device. The CPU runs instead.
 *
 * @param file the backend's library, e.g. "libggml-cuda.so"
 * @param reason why: the dynamic loader's message, e.g. "libcudart.so.13: cannot open shared object file: No such
 *     file or directory", or "no device found"
 */
public record SkippedBackend(String file, String reason) {
    public SkippedBackend {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return file + ": " + reason;
    }
}
