package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A sequence's saved state (KV cache, length, logits) as bytes: the native transfer of {@link Session#saveState}. */
final class SessionState {
    private SessionState() {}

    static byte[] save(MemorySegment session, int seq) {
        long size = jpeglm_session_state_size(session, seq);
        if (size < 0) {
            throw Native.lastErrorException(ErrorCode.INTERNAL);
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new JpeglmException(
                    ErrorCode.OUT_OF_MEMORY, "sequence state of " + size + " bytes is too large for a byte[]");
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buf = call.allocate(size);
            MemorySegment written = call.allocate(ValueLayout.JAVA_LONG);
            Native.check(jpeglm_session_state_save(session, seq, buf, size, written));
            return buf.asSlice(0, written.get(ValueLayout.JAVA_LONG, 0)).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    static void load(MemorySegment session, int seq, byte[] state) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment buf = call.allocate(Math.max(1, state.length));
            MemorySegment.copy(state, 0, buf, ValueLayout.JAVA_BYTE, 0, state.length);
            Native.check(jpeglm_session_state_load(session, seq, buf, state.length));
        }
    }
}
