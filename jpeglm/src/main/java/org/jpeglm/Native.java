package org.jpeglm;

import static org.jpeglm.bindings.jpeglm_h.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CancellationException;
import org.jpeglm.bindings.jpeglm_log_callback;

/** The one place that initializes the native library and turns its status codes into exceptions. */
final class Native {
    private Native() {}

    private static volatile boolean initialized;

    /** Loads the library, routes its log to {@link Jpeglm#logHandler()}, and initializes llama.cpp, once. */
    static void init() {
        if (initialized) {
            return;
        }
        synchronized (Native.class) {
            if (initialized) {
                return;
            }
            if (jpeglm_api_version() != JPEGLM_API_VERSION()) {
                throw new JpeglmException(
                        ErrorCode.INTERNAL,
                        "libjpeglm has API version " + jpeglm_api_version() + ", these bindings expect "
                                + JPEGLM_API_VERSION());
            }
            // The upcall stub lives as long as the process: llama.cpp may log at any time.
            MemorySegment stub = jpeglm_log_callback.allocate(Native::log, Arena.global());
            jpeglm_log_set(stub, Jpeglm.logLevel().nativeLevel(), MemorySegment.NULL);
            check(jpeglm_backend_init());
            initialized = true;
        }
    }

    /** Re-applies the minimum log level after {@link Jpeglm#setLogLevel}. */
    static void applyLogLevel() {
        if (initialized) {
            MemorySegment stub = jpeglm_log_callback.allocate(Native::log, Arena.global());
            jpeglm_log_set(stub, Jpeglm.logLevel().nativeLevel(), MemorySegment.NULL);
        }
    }

    // Called from native threads: it must never throw.
    private static void log(int level, MemorySegment text, MemorySegment userData) {
        try {
            String message = text.reinterpret(Long.MAX_VALUE).getString(0).stripTrailing();
            Jpeglm.LogLevel l = Jpeglm.LogLevel.ofNative(level);
            // llama.cpp warns that it pads the vocabulary of every model without a text tokenizer, that is every
            // Jpeg-LM model: expected, so it is information, not a warning.
            if (l == Jpeglm.LogLevel.WARN && message.endsWith(" dummy tokens") && message.startsWith("load: adding ")) {
                l = Jpeglm.LogLevel.INFO;
            }
            if (!message.isEmpty() && l.compareTo(Jpeglm.logLevel()) >= 0) {
                Jpeglm.logHandler().log(l, message);
            }
        } catch (Throwable ignored) {
            // A logging failure must not unwind into llama.cpp.
        }
    }

    /** Throws the exception for a non-zero status, with the thread's native error message. */
    static void check(int status) {
        if (status != JPEGLM_OK()) {
            throw error(status);
        }
    }

    static RuntimeException error(int status) {
        ErrorCode code = ErrorCode.of(status);
        String message = lastError();
        // Misuse maps to the JDK's exceptions for it; failures of the model or machine to JpeglmException.
        switch (code) {
            case CANCELLED -> {
                return new CancellationException(message.isEmpty() ? "cancelled" : message);
            }
            case INVALID_ARGUMENT -> {
                return new IllegalArgumentException(message);
            }
            case STATE -> {
                return new IllegalStateException(message);
            }
            default -> {}
        }
        return new JpeglmException(code, message.isEmpty() ? code.name().toLowerCase() : message);
    }

    /** A failure reported by a sentinel return value rather than a status. */
    static JpeglmException lastErrorException(ErrorCode fallback) {
        String message = lastError();
        return new JpeglmException(fallback, message.isEmpty() ? "native call failed" : message);
    }

    static String lastError() {
        MemorySegment p = jpeglm_last_error();
        return p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Long.MAX_VALUE).getString(0);
    }

    static String string(MemorySegment p) {
        return p.equals(MemorySegment.NULL)
                ? null
                : p.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
