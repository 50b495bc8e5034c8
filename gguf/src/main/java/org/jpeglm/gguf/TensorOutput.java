package org.jpeglm.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** Where a {@link TensorPayload} writes its tensor's bytes, in order; exactly the tensor's byte size in all. */
public interface TensorOutput {
    /** Appends the remaining bytes of buffer. */
    void write(ByteBuffer buffer) throws IOException;

    /** Appends the bytes of segment. */
    void write(MemorySegment segment) throws IOException;

    /** Encodes values[from .. from+n) as the tensor's type and appends them (F32, F16, BF16, Q8_0). */
    void writeFloats(float[] values, int from, int n) throws IOException;

    /** Bytes this tensor still expects. */
    long remaining();
}
