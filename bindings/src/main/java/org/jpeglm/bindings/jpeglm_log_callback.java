// Hand-written in jextract's shape for the function pointer type of jpeglm.h:
//   typedef void (*jpeglm_log_callback)(int32_t level, const char * text, void * user_data);
package org.jpeglm.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/** The {@code jpeglm_log_callback} function pointer: upcall stubs from Java, and invocation of a native one. */
public final class jpeglm_log_callback {
    private jpeglm_log_callback() {}

    /** The Java side of the callback. */
    @FunctionalInterface
    public interface Function {
        void apply(int level, MemorySegment text, MemorySegment user_data);
    }

    private static final FunctionDescriptor $DESC =
            FunctionDescriptor.ofVoid(jpeglm_h.C_INT, jpeglm_h.C_POINTER, jpeglm_h.C_POINTER);

    public static FunctionDescriptor descriptor() {
        return $DESC;
    }

    private static final MethodHandle UP$MH;

    static {
        try {
            UP$MH = MethodHandles.lookup()
                    .findVirtual(
                            Function.class,
                            "apply",
                            MethodType.methodType(void.class, int.class, MemorySegment.class, MemorySegment.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** An upcall stub for fi, valid as long as arena is open. */
    public static MemorySegment allocate(Function fi, Arena arena) {
        return jpeglm_h.LINKER.upcallStub(UP$MH.bindTo(fi), $DESC, arena);
    }

    private static final MethodHandle DOWN$MH = jpeglm_h.LINKER.downcallHandle($DESC);

    /** Calls the native function pointer funcPtr. */
    public static void invoke(MemorySegment funcPtr, int level, MemorySegment text, MemorySegment user_data) {
        try {
            DOWN$MH.invokeExact(funcPtr, level, text, user_data);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
