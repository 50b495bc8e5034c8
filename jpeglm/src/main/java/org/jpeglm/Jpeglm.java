package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Library-wide settings and facts: logging, backends, devices. */
public final class Jpeglm {
    private Jpeglm() {}

    /** Severity of a log message from llama.cpp, ggml or jpeglm's native code. */
    // The native levels are jpeglm.h's JPEGLM_LOG_*: NativeConstantsTest fails if they differ.
    public enum LogLevel {
        DEBUG(1, System.Logger.Level.DEBUG),
        INFO(2, System.Logger.Level.INFO),
        WARN(3, System.Logger.Level.WARNING),
        ERROR(4, System.Logger.Level.ERROR),
        /** Nothing is logged. */
        OFF(5, System.Logger.Level.OFF);

        private final int nativeLevel;
        private final System.Logger.Level systemLevel;

        LogLevel(int nativeLevel, System.Logger.Level systemLevel) {
            this.nativeLevel = nativeLevel;
            this.systemLevel = systemLevel;
        }

        int nativeLevel() {
            return nativeLevel;
        }

        /** The matching {@link System.Logger} level. */
        public System.Logger.Level systemLevel() {
            return systemLevel;
        }

        /** The level of a native JPEGLM_LOG_* value; unknown values are errors. */
        static LogLevel ofNative(int level) {
            for (LogLevel l : values()) {
                if (l != OFF && l.nativeLevel == level) {
                    return l;
                }
            }
            return ERROR;
        }
    }

    /** Receives native log messages, possibly from native threads; must not block for long. */
    @FunctionalInterface
    public interface LogHandler {
        void log(LogLevel level, String message);
    }

    private static final System.Logger SYSTEM_LOGGER = System.getLogger("org.jpeglm.native");
    private static final LogHandler SYSTEM_LOG = (level, message) -> SYSTEM_LOGGER.log(level.systemLevel(), message);

    private static volatile LogHandler handler = SYSTEM_LOG;
    private static volatile LogLevel level =
            LogLevel.valueOf(System.getProperty("jpeglm.log.level", "WARN").toUpperCase(java.util.Locale.ROOT));

    /** Sends native log messages to handler (default: the System.Logger "org.jpeglm.native"). */
    public static void setLogHandler(LogHandler handler) {
        Jpeglm.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Logs only messages at level or above (default WARN, or the system property jpeglm.log.level). */
    public static void setLogLevel(LogLevel level) {
        Jpeglm.level = Objects.requireNonNull(level, "level");
        Native.applyLogLevel();
    }

    static LogHandler logHandler() {
        return handler;
    }

    static LogLevel logLevel() {
        return level;
    }

    /** The file the native library was loaded from, for messages. */
    public static String nativeLibrary() {
        Native.init();
        return org.jpeglm.bindings.NativeLibrary.source();
    }

    /** The CPU features and backends the native library uses. */
    public static String systemInfo() {
        Native.init();
        return Native.string(jpeglm_system_info());
    }

    /** Whether a GPU backend is present and has a device, so layers can be offloaded. */
    public static boolean gpuOffloadSupported() {
        Native.init();
        return jpeglm_gpu_offload_supported() != 0;
    }

    /**
     * The GPU backends of the native runtime that are not in use, and why (the native start logs each at INFO):
     * a backend whose driver or runtime is missing is skipped, and the CPU runs instead. Always empty for a library
     * built from source (its backends are linked in).
     */
    public static List<SkippedBackend> skippedBackends() {
        Native.init();
        int count = checkedCount(jpeglm_backend_skipped_count());
        List<SkippedBackend> skipped = new ArrayList<>(count);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment file = arena.allocate(256);
            MemorySegment reason = arena.allocate(1024);
            for (int i = 0; i < count; i++) {
                Native.check(jpeglm_backend_skipped_info(i, file, file.byteSize(), reason, reason.byteSize()));
                skipped.add(new SkippedBackend(file.getString(0), reason.getString(0)));
            }
        }
        return List.copyOf(skipped);
    }

    /**
     * The CPUs this process may use: its affinity mask capped by its cgroup's CPU quota (cgroup v2 {@code cpu.max}, v1
     * {@code cpu.cfs_quota_us}). The automatic thread count ({@link ThreadOptions#AUTOMATIC}) uses no more.
     */
    public static CpuBudget cpuBudget() {
        return cpuBudget(null);
    }

    /**
     * {@link #cpuBudget()} as read from another root: {@code root/proc/self/status}, {@code root/proc/self/cgroup}
     * and {@code root/sys/fs/cgroup/...} (a container's view mounted elsewhere; tests).
     *
     * @param root the folder that stands for "/", or null for this process's own view
     */
    public static CpuBudget cpuBudget(java.nio.file.Path root) {
        Native.init();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cpus = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment why = arena.allocate(1024);
            MemorySegment rootText = root == null ? MemorySegment.NULL : arena.allocateFrom(root.toString());
            Native.check(jpeglm_cpu_budget(rootText, cpus, why, why.byteSize()));
            return new CpuBudget(cpus.get(ValueLayout.JAVA_INT, 0), why.getString(0));
        }
    }

    /** The native thread pools held now and created since the library was loaded: {live, created}. */
    static long[] threadPools() {
        Native.init();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment live = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment created = arena.allocate(ValueLayout.JAVA_LONG);
            Native.check(jpeglm_threadpool_count(live, created));
            return new long[] {live.get(ValueLayout.JAVA_LONG, 0), created.get(ValueLayout.JAVA_LONG, 0)};
        }
    }

    /**
     * The devices the native backends found, in llama.cpp's order; the CPU is always among them. Like llama.cpp's
     * {@code --list-devices}. {@link ModelOptions#devices()} names the ones a model is offloaded to.
     */
    public static List<Device> devices() {
        Native.init();
        int count = checkedCount(jpeglm_device_count());
        List<Device> devices = new ArrayList<>(count);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(128);
            MemorySegment description = arena.allocate(512);
            MemorySegment type = arena.allocate(ValueLayout.JAVA_INT);
            MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
            MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
            for (int i = 0; i < count; i++) {
                Native.check(jpeglm_device_info(
                        i, name, name.byteSize(), description, description.byteSize(), type, free, total));
                devices.add(new Device(
                        i,
                        name.getString(0),
                        description.getString(0),
                        Device.Type.ofNative(type.get(ValueLayout.JAVA_INT, 0)),
                        free.get(ValueLayout.JAVA_LONG, 0),
                        total.get(ValueLayout.JAVA_LONG, 0)));
            }
        }
        return List.copyOf(devices);
    }

    /** A native count, or the native error if it is the sentinel -1. */
    private static int checkedCount(int count) {
        if (count < 0) {
            throw Native.lastErrorException(ErrorCode.INTERNAL);
        }
        return count;
    }
}
