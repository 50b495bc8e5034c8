// Hand-written in the shape jextract 22 generates from native/include/jpeglm.h (jextract is not available from
// this project's registries). Keep it identical to the header: HeaderBindingsTest fails on any difference.
// Where jextract is available, the same class comes from:
//   jextract --target-package org.jpeglm.bindings --header-class-name jpeglm_h --library jpeglm \
//            --output bindings/src/main/java native/include/jpeglm.h
package org.jpeglm.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Constants and functions of {@code jpeglm.h}: one static method per C function, one per {@code #define}. */
public final class jpeglm_h {
    private jpeglm_h() {}

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup SYMBOL_LOOKUP = NativeLibrary.lookup();

    static MemorySegment findOrThrow(String symbol) {
        return SYMBOL_LOOKUP
                .find(symbol)
                .orElseThrow(() ->
                        new UnsatisfiedLinkError("symbol " + symbol + " is missing from " + NativeLibrary.source()));
    }

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER =
            ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;

    private static final int JPEGLM_API_VERSION = 1;

    public static int JPEGLM_API_VERSION() {
        return JPEGLM_API_VERSION;
    }

    private static final int JPEGLM_OK = 0;

    public static int JPEGLM_OK() {
        return JPEGLM_OK;
    }

    private static final int JPEGLM_ERR_INVALID_ARGUMENT = 1;

    public static int JPEGLM_ERR_INVALID_ARGUMENT() {
        return JPEGLM_ERR_INVALID_ARGUMENT;
    }

    private static final int JPEGLM_ERR_IO = 2;

    public static int JPEGLM_ERR_IO() {
        return JPEGLM_ERR_IO;
    }

    private static final int JPEGLM_ERR_FORMAT = 3;

    public static int JPEGLM_ERR_FORMAT() {
        return JPEGLM_ERR_FORMAT;
    }

    private static final int JPEGLM_ERR_UNSUPPORTED = 4;

    public static int JPEGLM_ERR_UNSUPPORTED() {
        return JPEGLM_ERR_UNSUPPORTED;
    }

    private static final int JPEGLM_ERR_OUT_OF_MEMORY = 5;

    public static int JPEGLM_ERR_OUT_OF_MEMORY() {
        return JPEGLM_ERR_OUT_OF_MEMORY;
    }

    private static final int JPEGLM_ERR_CONTEXT_FULL = 6;

    public static int JPEGLM_ERR_CONTEXT_FULL() {
        return JPEGLM_ERR_CONTEXT_FULL;
    }

    private static final int JPEGLM_ERR_CANCELLED = 7;

    public static int JPEGLM_ERR_CANCELLED() {
        return JPEGLM_ERR_CANCELLED;
    }

    private static final int JPEGLM_ERR_STATE = 8;

    public static int JPEGLM_ERR_STATE() {
        return JPEGLM_ERR_STATE;
    }

    private static final int JPEGLM_ERR_COMPUTE = 9;

    public static int JPEGLM_ERR_COMPUTE() {
        return JPEGLM_ERR_COMPUTE;
    }

    private static final int JPEGLM_ERR_INTERNAL = 10;

    public static int JPEGLM_ERR_INTERNAL() {
        return JPEGLM_ERR_INTERNAL;
    }

    private static final int JPEGLM_LOG_DEBUG = 1;

    public static int JPEGLM_LOG_DEBUG() {
        return JPEGLM_LOG_DEBUG;
    }

    private static final int JPEGLM_LOG_INFO = 2;

    public static int JPEGLM_LOG_INFO() {
        return JPEGLM_LOG_INFO;
    }

    private static final int JPEGLM_LOG_WARN = 3;

    public static int JPEGLM_LOG_WARN() {
        return JPEGLM_LOG_WARN;
    }

    private static final int JPEGLM_LOG_ERROR = 4;

    public static int JPEGLM_LOG_ERROR() {
        return JPEGLM_LOG_ERROR;
    }

    private static final int JPEGLM_MODEL_NO_MMAP = 1;

    public static int JPEGLM_MODEL_NO_MMAP() {
        return JPEGLM_MODEL_NO_MMAP;
    }

    private static final int JPEGLM_MODEL_CHECK_TENSORS = 2;

    public static int JPEGLM_MODEL_CHECK_TENSORS() {
        return JPEGLM_MODEL_CHECK_TENSORS;
    }

    private static final int JPEGLM_SESSION_KV_UNIFIED = 1;

    public static int JPEGLM_SESSION_KV_UNIFIED() {
        return JPEGLM_SESSION_KV_UNIFIED;
    }

    private static final int JPEGLM_SESSION_FLASH_ATTN_ON = 2;

    public static int JPEGLM_SESSION_FLASH_ATTN_ON() {
        return JPEGLM_SESSION_FLASH_ATTN_ON;
    }

    private static final int JPEGLM_SESSION_FLASH_ATTN_OFF = 4;

    public static int JPEGLM_SESSION_FLASH_ATTN_OFF() {
        return JPEGLM_SESSION_FLASH_ATTN_OFF;
    }

    private static final int JPEGLM_SESSION_KV_F32 = 8;

    public static int JPEGLM_SESSION_KV_F32() {
        return JPEGLM_SESSION_KV_F32;
    }

    private static final int JPEGLM_SESSION_KV_Q8_0 = 16;

    public static int JPEGLM_SESSION_KV_Q8_0() {
        return JPEGLM_SESSION_KV_Q8_0;
    }

    private static final int JPEGLM_THREADS_AUTO = 0;

    public static int JPEGLM_THREADS_AUTO() {
        return JPEGLM_THREADS_AUTO;
    }

    private static final int JPEGLM_DEFAULT_POLL = 1;

    public static int JPEGLM_DEFAULT_POLL() {
        return JPEGLM_DEFAULT_POLL;
    }

    private static final int JPEGLM_DEVICE_CPU = 0;

    public static int JPEGLM_DEVICE_CPU() {
        return JPEGLM_DEVICE_CPU;
    }

    private static final int JPEGLM_DEVICE_GPU = 1;

    public static int JPEGLM_DEVICE_GPU() {
        return JPEGLM_DEVICE_GPU;
    }

    private static final int JPEGLM_DEVICE_IGPU = 2;

    public static int JPEGLM_DEVICE_IGPU() {
        return JPEGLM_DEVICE_IGPU;
    }

    private static final int JPEGLM_DEVICE_ACCEL = 3;

    public static int JPEGLM_DEVICE_ACCEL() {
        return JPEGLM_DEVICE_ACCEL;
    }

    private static final int JPEGLM_DEVICE_OTHER = 4;

    public static int JPEGLM_DEVICE_OTHER() {
        return JPEGLM_DEVICE_OTHER;
    }

    private static final int JPEGLM_DEVICE_RPC = 5;

    public static int JPEGLM_DEVICE_RPC() {
        return JPEGLM_DEVICE_RPC;
    }

    private static final int JPEGLM_RPC_MAX_SERVERS = 16;

    public static int JPEGLM_RPC_MAX_SERVERS() {
        return JPEGLM_RPC_MAX_SERVERS;
    }

    private static final class jpeglm_api_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_api_version");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_api_version$descriptor() {
        return jpeglm_api_version.DESC;
    }

    public static MethodHandle jpeglm_api_version$handle() {
        return jpeglm_api_version.HANDLE;
    }

    public static MemorySegment jpeglm_api_version$address() {
        return jpeglm_api_version.ADDR;
    }

    public static int jpeglm_api_version() {
        var mh$ = jpeglm_api_version.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_last_error {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_last_error");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_last_error$descriptor() {
        return jpeglm_last_error.DESC;
    }

    public static MethodHandle jpeglm_last_error$handle() {
        return jpeglm_last_error.HANDLE;
    }

    public static MemorySegment jpeglm_last_error$address() {
        return jpeglm_last_error.ADDR;
    }

    public static MemorySegment jpeglm_last_error() {
        var mh$ = jpeglm_last_error.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_backend_init {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_backend_init");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_backend_init$descriptor() {
        return jpeglm_backend_init.DESC;
    }

    public static MethodHandle jpeglm_backend_init$handle() {
        return jpeglm_backend_init.HANDLE;
    }

    public static MemorySegment jpeglm_backend_init$address() {
        return jpeglm_backend_init.ADDR;
    }

    public static int jpeglm_backend_init() {
        var mh$ = jpeglm_backend_init.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_log_set {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_log_set");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_log_set$descriptor() {
        return jpeglm_log_set.DESC;
    }

    public static MethodHandle jpeglm_log_set$handle() {
        return jpeglm_log_set.HANDLE;
    }

    public static MemorySegment jpeglm_log_set$address() {
        return jpeglm_log_set.ADDR;
    }

    public static void jpeglm_log_set(MemorySegment callback, int min_level, MemorySegment user_data) {
        var mh$ = jpeglm_log_set.HANDLE;
        try {
            mh$.invokeExact(callback, min_level, user_data);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_system_info {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_system_info");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_system_info$descriptor() {
        return jpeglm_system_info.DESC;
    }

    public static MethodHandle jpeglm_system_info$handle() {
        return jpeglm_system_info.HANDLE;
    }

    public static MemorySegment jpeglm_system_info$address() {
        return jpeglm_system_info.ADDR;
    }

    public static MemorySegment jpeglm_system_info() {
        var mh$ = jpeglm_system_info.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_gpu_offload_supported {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_gpu_offload_supported");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_gpu_offload_supported$descriptor() {
        return jpeglm_gpu_offload_supported.DESC;
    }

    public static MethodHandle jpeglm_gpu_offload_supported$handle() {
        return jpeglm_gpu_offload_supported.HANDLE;
    }

    public static MemorySegment jpeglm_gpu_offload_supported$address() {
        return jpeglm_gpu_offload_supported.ADDR;
    }

    public static int jpeglm_gpu_offload_supported() {
        var mh$ = jpeglm_gpu_offload_supported.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_backend_skipped_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_backend_skipped_count");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_backend_skipped_count$descriptor() {
        return jpeglm_backend_skipped_count.DESC;
    }

    public static MethodHandle jpeglm_backend_skipped_count$handle() {
        return jpeglm_backend_skipped_count.HANDLE;
    }

    public static MemorySegment jpeglm_backend_skipped_count$address() {
        return jpeglm_backend_skipped_count.ADDR;
    }

    public static int jpeglm_backend_skipped_count() {
        var mh$ = jpeglm_backend_skipped_count.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_backend_skipped_info {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_LONG, C_POINTER, C_LONG);
        static final MemorySegment ADDR = findOrThrow("jpeglm_backend_skipped_info");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_backend_skipped_info$descriptor() {
        return jpeglm_backend_skipped_info.DESC;
    }

    public static MethodHandle jpeglm_backend_skipped_info$handle() {
        return jpeglm_backend_skipped_info.HANDLE;
    }

    public static MemorySegment jpeglm_backend_skipped_info$address() {
        return jpeglm_backend_skipped_info.ADDR;
    }

    public static int jpeglm_backend_skipped_info(
            int index, MemorySegment file, long file_size, MemorySegment reason, long reason_size) {
        var mh$ = jpeglm_backend_skipped_info.HANDLE;
        try {
            return (int) mh$.invokeExact(index, file, file_size, reason, reason_size);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_cpu_budget {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_LONG);
        static final MemorySegment ADDR = findOrThrow("jpeglm_cpu_budget");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_cpu_budget$descriptor() {
        return jpeglm_cpu_budget.DESC;
    }

    public static MethodHandle jpeglm_cpu_budget$handle() {
        return jpeglm_cpu_budget.HANDLE;
    }

    public static MemorySegment jpeglm_cpu_budget$address() {
        return jpeglm_cpu_budget.ADDR;
    }

    public static int jpeglm_cpu_budget(MemorySegment root, MemorySegment out_cpus, MemorySegment why, long why_size) {
        var mh$ = jpeglm_cpu_budget.HANDLE;
        try {
            return (int) mh$.invokeExact(root, out_cpus, why, why_size);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_threadpool_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_threadpool_count");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_threadpool_count$descriptor() {
        return jpeglm_threadpool_count.DESC;
    }

    public static MethodHandle jpeglm_threadpool_count$handle() {
        return jpeglm_threadpool_count.HANDLE;
    }

    public static MemorySegment jpeglm_threadpool_count$address() {
        return jpeglm_threadpool_count.ADDR;
    }

    public static int jpeglm_threadpool_count(MemorySegment out_live, MemorySegment out_created) {
        var mh$ = jpeglm_threadpool_count.HANDLE;
        try {
            return (int) mh$.invokeExact(out_live, out_created);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_device_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_device_count");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_device_count$descriptor() {
        return jpeglm_device_count.DESC;
    }

    public static MethodHandle jpeglm_device_count$handle() {
        return jpeglm_device_count.HANDLE;
    }

    public static MemorySegment jpeglm_device_count$address() {
        return jpeglm_device_count.ADDR;
    }

    public static int jpeglm_device_count() {
        var mh$ = jpeglm_device_count.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_device_info {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_INT, C_POINTER, C_LONG, C_POINTER, C_LONG, C_POINTER, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_device_info");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_device_info$descriptor() {
        return jpeglm_device_info.DESC;
    }

    public static MethodHandle jpeglm_device_info$handle() {
        return jpeglm_device_info.HANDLE;
    }

    public static MemorySegment jpeglm_device_info$address() {
        return jpeglm_device_info.ADDR;
    }

    public static int jpeglm_device_info(
            int index,
            MemorySegment name,
            long name_size,
            MemorySegment description,
            long description_size,
            MemorySegment out_type,
            MemorySegment out_memory_free,
            MemorySegment out_memory_total) {
        var mh$ = jpeglm_device_info.HANDLE;
        try {
            return (int) mh$.invokeExact(
                    index, name, name_size, description, description_size, out_type, out_memory_free, out_memory_total);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_load {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_load");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_load$descriptor() {
        return jpeglm_model_load.DESC;
    }

    public static MethodHandle jpeglm_model_load$handle() {
        return jpeglm_model_load.HANDLE;
    }

    public static MemorySegment jpeglm_model_load$address() {
        return jpeglm_model_load.ADDR;
    }

    public static int jpeglm_model_load(MemorySegment path, int n_gpu_layers, int flags, MemorySegment out_model) {
        var mh$ = jpeglm_model_load.HANDLE;
        try {
            return (int) mh$.invokeExact(path, n_gpu_layers, flags, out_model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_load_on_devices {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_load_on_devices");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_load_on_devices$descriptor() {
        return jpeglm_model_load_on_devices.DESC;
    }

    public static MethodHandle jpeglm_model_load_on_devices$handle() {
        return jpeglm_model_load_on_devices.HANDLE;
    }

    public static MemorySegment jpeglm_model_load_on_devices$address() {
        return jpeglm_model_load_on_devices.ADDR;
    }

    public static int jpeglm_model_load_on_devices(
            MemorySegment path,
            int n_gpu_layers,
            int flags,
            MemorySegment devices,
            int n_devices,
            MemorySegment out_model) {
        var mh$ = jpeglm_model_load_on_devices.HANDLE;
        try {
            return (int) mh$.invokeExact(path, n_gpu_layers, flags, devices, n_devices, out_model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_load_rpc {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(
                C_INT, C_POINTER, C_INT, C_INT, C_POINTER, C_INT, C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_load_rpc");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_load_rpc$descriptor() {
        return jpeglm_model_load_rpc.DESC;
    }

    public static MethodHandle jpeglm_model_load_rpc$handle() {
        return jpeglm_model_load_rpc.HANDLE;
    }

    public static MemorySegment jpeglm_model_load_rpc$address() {
        return jpeglm_model_load_rpc.ADDR;
    }

    public static int jpeglm_model_load_rpc(
            MemorySegment path,
            int n_gpu_layers,
            int flags,
            MemorySegment devices,
            int n_devices,
            MemorySegment rpc_servers,
            int n_rpc,
            int timeout_ms,
            MemorySegment out_model) {
        var mh$ = jpeglm_model_load_rpc.HANDLE;
        try {
            return (int) mh$.invokeExact(
                    path, n_gpu_layers, flags, devices, n_devices, rpc_servers, n_rpc, timeout_ms, out_model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_free {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_free");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_free$descriptor() {
        return jpeglm_model_free.DESC;
    }

    public static MethodHandle jpeglm_model_free$handle() {
        return jpeglm_model_free.HANDLE;
    }

    public static MemorySegment jpeglm_model_free$address() {
        return jpeglm_model_free.ADDR;
    }

    public static void jpeglm_model_free(MemorySegment model) {
        var mh$ = jpeglm_model_free.HANDLE;
        try {
            mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_n_vocab {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_n_vocab");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_n_vocab$descriptor() {
        return jpeglm_model_n_vocab.DESC;
    }

    public static MethodHandle jpeglm_model_n_vocab$handle() {
        return jpeglm_model_n_vocab.HANDLE;
    }

    public static MemorySegment jpeglm_model_n_vocab$address() {
        return jpeglm_model_n_vocab.ADDR;
    }

    public static int jpeglm_model_n_vocab(MemorySegment model) {
        var mh$ = jpeglm_model_n_vocab.HANDLE;
        try {
            return (int) mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_n_ctx_train {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_n_ctx_train");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_n_ctx_train$descriptor() {
        return jpeglm_model_n_ctx_train.DESC;
    }

    public static MethodHandle jpeglm_model_n_ctx_train$handle() {
        return jpeglm_model_n_ctx_train.HANDLE;
    }

    public static MemorySegment jpeglm_model_n_ctx_train$address() {
        return jpeglm_model_n_ctx_train.ADDR;
    }

    public static int jpeglm_model_n_ctx_train(MemorySegment model) {
        var mh$ = jpeglm_model_n_ctx_train.HANDLE;
        try {
            return (int) mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_n_embd {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_n_embd");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_n_embd$descriptor() {
        return jpeglm_model_n_embd.DESC;
    }

    public static MethodHandle jpeglm_model_n_embd$handle() {
        return jpeglm_model_n_embd.HANDLE;
    }

    public static MemorySegment jpeglm_model_n_embd$address() {
        return jpeglm_model_n_embd.ADDR;
    }

    public static int jpeglm_model_n_embd(MemorySegment model) {
        var mh$ = jpeglm_model_n_embd.HANDLE;
        try {
            return (int) mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_n_layer {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_n_layer");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_n_layer$descriptor() {
        return jpeglm_model_n_layer.DESC;
    }

    public static MethodHandle jpeglm_model_n_layer$handle() {
        return jpeglm_model_n_layer.HANDLE;
    }

    public static MemorySegment jpeglm_model_n_layer$address() {
        return jpeglm_model_n_layer.ADDR;
    }

    public static int jpeglm_model_n_layer(MemorySegment model) {
        var mh$ = jpeglm_model_n_layer.HANDLE;
        try {
            return (int) mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_n_head {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_n_head");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_n_head$descriptor() {
        return jpeglm_model_n_head.DESC;
    }

    public static MethodHandle jpeglm_model_n_head$handle() {
        return jpeglm_model_n_head.HANDLE;
    }

    public static MemorySegment jpeglm_model_n_head$address() {
        return jpeglm_model_n_head.ADDR;
    }

    public static int jpeglm_model_n_head(MemorySegment model) {
        var mh$ = jpeglm_model_n_head.HANDLE;
        try {
            return (int) mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_n_head_kv {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_n_head_kv");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_n_head_kv$descriptor() {
        return jpeglm_model_n_head_kv.DESC;
    }

    public static MethodHandle jpeglm_model_n_head_kv$handle() {
        return jpeglm_model_n_head_kv.HANDLE;
    }

    public static MemorySegment jpeglm_model_n_head_kv$address() {
        return jpeglm_model_n_head_kv.ADDR;
    }

    public static int jpeglm_model_n_head_kv(MemorySegment model) {
        var mh$ = jpeglm_model_n_head_kv.HANDLE;
        try {
            return (int) mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_n_params {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_n_params");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_n_params$descriptor() {
        return jpeglm_model_n_params.DESC;
    }

    public static MethodHandle jpeglm_model_n_params$handle() {
        return jpeglm_model_n_params.HANDLE;
    }

    public static MemorySegment jpeglm_model_n_params$address() {
        return jpeglm_model_n_params.ADDR;
    }

    public static long jpeglm_model_n_params(MemorySegment model) {
        var mh$ = jpeglm_model_n_params.HANDLE;
        try {
            return (long) mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_size_bytes {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_size_bytes");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_size_bytes$descriptor() {
        return jpeglm_model_size_bytes.DESC;
    }

    public static MethodHandle jpeglm_model_size_bytes$handle() {
        return jpeglm_model_size_bytes.HANDLE;
    }

    public static MemorySegment jpeglm_model_size_bytes$address() {
        return jpeglm_model_size_bytes.ADDR;
    }

    public static long jpeglm_model_size_bytes(MemorySegment model) {
        var mh$ = jpeglm_model_size_bytes.HANDLE;
        try {
            return (long) mh$.invokeExact(model);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_desc {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_desc");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_desc$descriptor() {
        return jpeglm_model_desc.DESC;
    }

    public static MethodHandle jpeglm_model_desc$handle() {
        return jpeglm_model_desc.HANDLE;
    }

    public static MemorySegment jpeglm_model_desc$address() {
        return jpeglm_model_desc.ADDR;
    }

    public static int jpeglm_model_desc(MemorySegment model, MemorySegment buf, long size) {
        var mh$ = jpeglm_model_desc.HANDLE;
        try {
            return (int) mh$.invokeExact(model, buf, size);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_create {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_create$descriptor() {
        return jpeglm_session_create.DESC;
    }

    public static MethodHandle jpeglm_session_create$handle() {
        return jpeglm_session_create.HANDLE;
    }

    public static MemorySegment jpeglm_session_create$address() {
        return jpeglm_session_create.ADDR;
    }

    public static int jpeglm_session_create(
            MemorySegment model,
            int n_ctx,
            int n_seq,
            int n_batch,
            int n_threads,
            int flags,
            MemorySegment out_session) {
        var mh$ = jpeglm_session_create.HANDLE;
        try {
            return (int) mh$.invokeExact(model, n_ctx, n_seq, n_batch, n_threads, flags, out_session);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_free {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_free");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_free$descriptor() {
        return jpeglm_session_free.DESC;
    }

    public static MethodHandle jpeglm_session_free$handle() {
        return jpeglm_session_free.HANDLE;
    }

    public static MemorySegment jpeglm_session_free$address() {
        return jpeglm_session_free.ADDR;
    }

    public static void jpeglm_session_free(MemorySegment session) {
        var mh$ = jpeglm_session_free.HANDLE;
        try {
            mh$.invokeExact(session);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_n_ctx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_n_ctx");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_n_ctx$descriptor() {
        return jpeglm_session_n_ctx.DESC;
    }

    public static MethodHandle jpeglm_session_n_ctx$handle() {
        return jpeglm_session_n_ctx.HANDLE;
    }

    public static MemorySegment jpeglm_session_n_ctx$address() {
        return jpeglm_session_n_ctx.ADDR;
    }

    public static int jpeglm_session_n_ctx(MemorySegment session) {
        var mh$ = jpeglm_session_n_ctx.HANDLE;
        try {
            return (int) mh$.invokeExact(session);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_n_seq {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_n_seq");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_n_seq$descriptor() {
        return jpeglm_session_n_seq.DESC;
    }

    public static MethodHandle jpeglm_session_n_seq$handle() {
        return jpeglm_session_n_seq.HANDLE;
    }

    public static MemorySegment jpeglm_session_n_seq$address() {
        return jpeglm_session_n_seq.ADDR;
    }

    public static int jpeglm_session_n_seq(MemorySegment session) {
        var mh$ = jpeglm_session_n_seq.HANDLE;
        try {
            return (int) mh$.invokeExact(session);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_n_vocab {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_n_vocab");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_n_vocab$descriptor() {
        return jpeglm_session_n_vocab.DESC;
    }

    public static MethodHandle jpeglm_session_n_vocab$handle() {
        return jpeglm_session_n_vocab.HANDLE;
    }

    public static MemorySegment jpeglm_session_n_vocab$address() {
        return jpeglm_session_n_vocab.ADDR;
    }

    public static int jpeglm_session_n_vocab(MemorySegment session) {
        var mh$ = jpeglm_session_n_vocab.HANDLE;
        try {
            return (int) mh$.invokeExact(session);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_set_threads {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_set_threads");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_set_threads$descriptor() {
        return jpeglm_session_set_threads.DESC;
    }

    public static MethodHandle jpeglm_session_set_threads$handle() {
        return jpeglm_session_set_threads.HANDLE;
    }

    public static MemorySegment jpeglm_session_set_threads$address() {
        return jpeglm_session_set_threads.ADDR;
    }

    public static int jpeglm_session_set_threads(MemorySegment session, int n_threads, int n_threads_batch) {
        var mh$ = jpeglm_session_set_threads.HANDLE;
        try {
            return (int) mh$.invokeExact(session, n_threads, n_threads_batch);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_set_poll {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_set_poll");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_set_poll$descriptor() {
        return jpeglm_session_set_poll.DESC;
    }

    public static MethodHandle jpeglm_session_set_poll$handle() {
        return jpeglm_session_set_poll.HANDLE;
    }

    public static MemorySegment jpeglm_session_set_poll$address() {
        return jpeglm_session_set_poll.ADDR;
    }

    public static int jpeglm_session_set_poll(MemorySegment session, int poll) {
        var mh$ = jpeglm_session_set_poll.HANDLE;
        try {
            return (int) mh$.invokeExact(session, poll);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_set_cpu_mask {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_set_cpu_mask");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_set_cpu_mask$descriptor() {
        return jpeglm_session_set_cpu_mask.DESC;
    }

    public static MethodHandle jpeglm_session_set_cpu_mask$handle() {
        return jpeglm_session_set_cpu_mask.HANDLE;
    }

    public static MemorySegment jpeglm_session_set_cpu_mask$address() {
        return jpeglm_session_set_cpu_mask.ADDR;
    }

    public static int jpeglm_session_set_cpu_mask(MemorySegment session, MemorySegment mask) {
        var mh$ = jpeglm_session_set_cpu_mask.HANDLE;
        try {
            return (int) mh$.invokeExact(session, mask);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_set_cpu_reserve {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_set_cpu_reserve");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_set_cpu_reserve$descriptor() {
        return jpeglm_session_set_cpu_reserve.DESC;
    }

    public static MethodHandle jpeglm_session_set_cpu_reserve$handle() {
        return jpeglm_session_set_cpu_reserve.HANDLE;
    }

    public static MemorySegment jpeglm_session_set_cpu_reserve$address() {
        return jpeglm_session_set_cpu_reserve.ADDR;
    }

    public static int jpeglm_session_set_cpu_reserve(MemorySegment session, int n_cpus) {
        var mh$ = jpeglm_session_set_cpu_reserve.HANDLE;
        try {
            return (int) mh$.invokeExact(session, n_cpus);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_threads {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER, C_LONG);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_threads");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_threads$descriptor() {
        return jpeglm_session_threads.DESC;
    }

    public static MethodHandle jpeglm_session_threads$handle() {
        return jpeglm_session_threads.HANDLE;
    }

    public static MemorySegment jpeglm_session_threads$address() {
        return jpeglm_session_threads.ADDR;
    }

    public static int jpeglm_session_threads(
            MemorySegment session,
            MemorySegment out_n_threads,
            MemorySegment out_n_threads_batch,
            MemorySegment why,
            long why_size) {
        var mh$ = jpeglm_session_threads.HANDLE;
        try {
            return (int) mh$.invokeExact(session, out_n_threads, out_n_threads_batch, why, why_size);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_set_sampler {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_FLOAT, C_INT, C_FLOAT, C_FLOAT, C_LONG);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_set_sampler");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_set_sampler$descriptor() {
        return jpeglm_session_set_sampler.DESC;
    }

    public static MethodHandle jpeglm_session_set_sampler$handle() {
        return jpeglm_session_set_sampler.HANDLE;
    }

    public static MemorySegment jpeglm_session_set_sampler$address() {
        return jpeglm_session_set_sampler.ADDR;
    }

    public static int jpeglm_session_set_sampler(
            MemorySegment session, int seq, float temperature, int top_k, float top_p, float min_p, long seed) {
        var mh$ = jpeglm_session_set_sampler.HANDLE;
        try {
            return (int) mh$.invokeExact(session, seq, temperature, top_k, top_p, min_p, seed);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_set_mask {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_set_mask");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_set_mask$descriptor() {
        return jpeglm_session_set_mask.DESC;
    }

    public static MethodHandle jpeglm_session_set_mask$handle() {
        return jpeglm_session_set_mask.HANDLE;
    }

    public static MemorySegment jpeglm_session_set_mask$address() {
        return jpeglm_session_set_mask.ADDR;
    }

    public static int jpeglm_session_set_mask(MemorySegment session, int seq, MemorySegment allowed, int n) {
        var mh$ = jpeglm_session_set_mask.HANDLE;
        try {
            return (int) mh$.invokeExact(session, seq, allowed, n);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_decode {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_decode");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_decode$descriptor() {
        return jpeglm_session_decode.DESC;
    }

    public static MethodHandle jpeglm_session_decode$handle() {
        return jpeglm_session_decode.HANDLE;
    }

    public static MemorySegment jpeglm_session_decode$address() {
        return jpeglm_session_decode.ADDR;
    }

    public static int jpeglm_session_decode(MemorySegment session, int n, MemorySegment seqs, MemorySegment tokens) {
        var mh$ = jpeglm_session_decode.HANDLE;
        try {
            return (int) mh$.invokeExact(session, n, seqs, tokens);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_score {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_score");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_score$descriptor() {
        return jpeglm_session_score.DESC;
    }

    public static MethodHandle jpeglm_session_score$handle() {
        return jpeglm_session_score.HANDLE;
    }

    public static MemorySegment jpeglm_session_score$address() {
        return jpeglm_session_score.ADDR;
    }

    public static int jpeglm_session_score(
            MemorySegment session, int n, MemorySegment seqs, MemorySegment tokens, MemorySegment out_logprobs) {
        var mh$ = jpeglm_session_score.HANDLE;
        try {
            return (int) mh$.invokeExact(session, n, seqs, tokens, out_logprobs);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_sample {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_sample");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_sample$descriptor() {
        return jpeglm_session_sample.DESC;
    }

    public static MethodHandle jpeglm_session_sample$handle() {
        return jpeglm_session_sample.HANDLE;
    }

    public static MemorySegment jpeglm_session_sample$address() {
        return jpeglm_session_sample.ADDR;
    }

    public static int jpeglm_session_sample(
            MemorySegment session, int n, MemorySegment seqs, MemorySegment out_tokens) {
        var mh$ = jpeglm_session_sample.HANDLE;
        try {
            return (int) mh$.invokeExact(session, n, seqs, out_tokens);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_step {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_step");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_step$descriptor() {
        return jpeglm_session_step.DESC;
    }

    public static MethodHandle jpeglm_session_step$handle() {
        return jpeglm_session_step.HANDLE;
    }

    public static MemorySegment jpeglm_session_step$address() {
        return jpeglm_session_step.ADDR;
    }

    public static int jpeglm_session_step(MemorySegment session, int n, MemorySegment seqs, MemorySegment out_tokens) {
        var mh$ = jpeglm_session_step.HANDLE;
        try {
            return (int) mh$.invokeExact(session, n, seqs, out_tokens);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_logits {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_POINTER, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_logits");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_logits$descriptor() {
        return jpeglm_session_logits.DESC;
    }

    public static MethodHandle jpeglm_session_logits$handle() {
        return jpeglm_session_logits.HANDLE;
    }

    public static MemorySegment jpeglm_session_logits$address() {
        return jpeglm_session_logits.ADDR;
    }

    public static MemorySegment jpeglm_session_logits(MemorySegment session, int seq) {
        var mh$ = jpeglm_session_logits.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(session, seq);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_seq_length {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_seq_length");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_seq_length$descriptor() {
        return jpeglm_session_seq_length.DESC;
    }

    public static MethodHandle jpeglm_session_seq_length$handle() {
        return jpeglm_session_seq_length.HANDLE;
    }

    public static MemorySegment jpeglm_session_seq_length$address() {
        return jpeglm_session_seq_length.ADDR;
    }

    public static int jpeglm_session_seq_length(MemorySegment session, int seq) {
        var mh$ = jpeglm_session_seq_length.HANDLE;
        try {
            return (int) mh$.invokeExact(session, seq);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_seq_truncate {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_seq_truncate");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_seq_truncate$descriptor() {
        return jpeglm_session_seq_truncate.DESC;
    }

    public static MethodHandle jpeglm_session_seq_truncate$handle() {
        return jpeglm_session_seq_truncate.HANDLE;
    }

    public static MemorySegment jpeglm_session_seq_truncate$address() {
        return jpeglm_session_seq_truncate.ADDR;
    }

    public static int jpeglm_session_seq_truncate(MemorySegment session, int seq, int n_keep) {
        var mh$ = jpeglm_session_seq_truncate.HANDLE;
        try {
            return (int) mh$.invokeExact(session, seq, n_keep);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_cancel {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_cancel");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_cancel$descriptor() {
        return jpeglm_session_cancel.DESC;
    }

    public static MethodHandle jpeglm_session_cancel$handle() {
        return jpeglm_session_cancel.HANDLE;
    }

    public static MemorySegment jpeglm_session_cancel$address() {
        return jpeglm_session_cancel.ADDR;
    }

    public static void jpeglm_session_cancel(MemorySegment session, int cancelled) {
        var mh$ = jpeglm_session_cancel.HANDLE;
        try {
            mh$.invokeExact(session, cancelled);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_state_size {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_LONG, C_POINTER, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_state_size");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_state_size$descriptor() {
        return jpeglm_session_state_size.DESC;
    }

    public static MethodHandle jpeglm_session_state_size$handle() {
        return jpeglm_session_state_size.HANDLE;
    }

    public static MemorySegment jpeglm_session_state_size$address() {
        return jpeglm_session_state_size.ADDR;
    }

    public static long jpeglm_session_state_size(MemorySegment session, int seq) {
        var mh$ = jpeglm_session_state_size.HANDLE;
        try {
            return (long) mh$.invokeExact(session, seq);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_state_save {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_LONG, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_state_save");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_state_save$descriptor() {
        return jpeglm_session_state_save.DESC;
    }

    public static MethodHandle jpeglm_session_state_save$handle() {
        return jpeglm_session_state_save.HANDLE;
    }

    public static MemorySegment jpeglm_session_state_save$address() {
        return jpeglm_session_state_save.ADDR;
    }

    public static int jpeglm_session_state_save(
            MemorySegment session, int seq, MemorySegment dst, long size, MemorySegment out_written) {
        var mh$ = jpeglm_session_state_save.HANDLE;
        try {
            return (int) mh$.invokeExact(session, seq, dst, size, out_written);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_session_state_load {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_POINTER, C_LONG);
        static final MemorySegment ADDR = findOrThrow("jpeglm_session_state_load");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_session_state_load$descriptor() {
        return jpeglm_session_state_load.DESC;
    }

    public static MethodHandle jpeglm_session_state_load$handle() {
        return jpeglm_session_state_load.HANDLE;
    }

    public static MemorySegment jpeglm_session_state_load$address() {
        return jpeglm_session_state_load.ADDR;
    }

    public static int jpeglm_session_state_load(MemorySegment session, int seq, MemorySegment src, long size) {
        var mh$ = jpeglm_session_state_load.HANDLE;
        try {
            return (int) mh$.invokeExact(session, seq, src, size);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_quantize {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_INT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_quantize");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_quantize$descriptor() {
        return jpeglm_quantize.DESC;
    }

    public static MethodHandle jpeglm_quantize$handle() {
        return jpeglm_quantize.HANDLE;
    }

    public static MemorySegment jpeglm_quantize$address() {
        return jpeglm_quantize.ADDR;
    }

    public static int jpeglm_quantize(MemorySegment in_path, MemorySegment out_path, int ftype, int n_threads) {
        var mh$ = jpeglm_quantize.HANDLE;
        try {
            return (int) mh$.invokeExact(in_path, out_path, ftype, n_threads);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_model_save {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_model_save");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_model_save$descriptor() {
        return jpeglm_model_save.DESC;
    }

    public static MethodHandle jpeglm_model_save$handle() {
        return jpeglm_model_save.HANDLE;
    }

    public static MemorySegment jpeglm_model_save$address() {
        return jpeglm_model_save.ADDR;
    }

    public static int jpeglm_model_save(MemorySegment model, MemorySegment path) {
        var mh$ = jpeglm_model_save.HANDLE;
        try {
            return (int) mh$.invokeExact(model, path);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_trainer_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_trainer_create");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_trainer_create$descriptor() {
        return jpeglm_trainer_create.DESC;
    }

    public static MethodHandle jpeglm_trainer_create$handle() {
        return jpeglm_trainer_create.HANDLE;
    }

    public static MemorySegment jpeglm_trainer_create$address() {
        return jpeglm_trainer_create.ADDR;
    }

    public static int jpeglm_trainer_create(
            MemorySegment model, int n_ubatch, int n_threads, MemorySegment out_trainer) {
        var mh$ = jpeglm_trainer_create.HANDLE;
        try {
            return (int) mh$.invokeExact(model, n_ubatch, n_threads, out_trainer);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_trainer_free {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_trainer_free");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_trainer_free$descriptor() {
        return jpeglm_trainer_free.DESC;
    }

    public static MethodHandle jpeglm_trainer_free$handle() {
        return jpeglm_trainer_free.HANDLE;
    }

    public static MemorySegment jpeglm_trainer_free$address() {
        return jpeglm_trainer_free.ADDR;
    }

    public static void jpeglm_trainer_free(MemorySegment trainer) {
        var mh$ = jpeglm_trainer_free.HANDLE;
        try {
            mh$.invokeExact(trainer);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_trainer_n_ctx {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_trainer_n_ctx");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_trainer_n_ctx$descriptor() {
        return jpeglm_trainer_n_ctx.DESC;
    }

    public static MethodHandle jpeglm_trainer_n_ctx$handle() {
        return jpeglm_trainer_n_ctx.HANDLE;
    }

    public static MemorySegment jpeglm_trainer_n_ctx$address() {
        return jpeglm_trainer_n_ctx.ADDR;
    }

    public static int jpeglm_trainer_n_ctx(MemorySegment trainer) {
        var mh$ = jpeglm_trainer_n_ctx.HANDLE;
        try {
            return (int) mh$.invokeExact(trainer);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_trainer_set_optimizer {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_FLOAT, C_FLOAT, C_FLOAT, C_FLOAT, C_FLOAT);
        static final MemorySegment ADDR = findOrThrow("jpeglm_trainer_set_optimizer");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_trainer_set_optimizer$descriptor() {
        return jpeglm_trainer_set_optimizer.DESC;
    }

    public static MethodHandle jpeglm_trainer_set_optimizer$handle() {
        return jpeglm_trainer_set_optimizer.HANDLE;
    }

    public static MemorySegment jpeglm_trainer_set_optimizer$address() {
        return jpeglm_trainer_set_optimizer.ADDR;
    }

    public static int jpeglm_trainer_set_optimizer(
            MemorySegment trainer, float learning_rate, float beta1, float beta2, float eps, float weight_decay) {
        var mh$ = jpeglm_trainer_set_optimizer.HANDLE;
        try {
            return (int) mh$.invokeExact(trainer, learning_rate, beta1, beta2, eps, weight_decay);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class jpeglm_trainer_run {
        static final FunctionDescriptor DESC =
                FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_LONG, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        static final MemorySegment ADDR = findOrThrow("jpeglm_trainer_run");
        static final MethodHandle HANDLE = LINKER.downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor jpeglm_trainer_run$descriptor() {
        return jpeglm_trainer_run.DESC;
    }

    public static MethodHandle jpeglm_trainer_run$handle() {
        return jpeglm_trainer_run.HANDLE;
    }

    public static MemorySegment jpeglm_trainer_run$address() {
        return jpeglm_trainer_run.ADDR;
    }

    public static int jpeglm_trainer_run(
            MemorySegment trainer,
            long n_windows,
            long n_train,
            MemorySegment tokens,
            MemorySegment labels,
            MemorySegment out_train_loss,
            MemorySegment out_eval_loss) {
        var mh$ = jpeglm_trainer_run.HANDLE;
        try {
            return (int) mh$.invokeExact(trainer, n_windows, n_train, tokens, labels, out_train_loss, out_eval_loss);
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
