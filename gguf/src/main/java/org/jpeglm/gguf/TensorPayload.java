package org.jpeglm.gguf;

import java.io.IOException;

/** Produces one tensor's data while the file is written, so tensors stream without being held in memory. */
@FunctionalInterface
public interface TensorPayload {
    void writeTo(TensorOutput out) throws IOException;
}
