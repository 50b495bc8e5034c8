// library.cpp — errors, logging and backend initialization: the "Library" functions of jpeglm.h.

#include "internal.h"

#include "ggml.h"

#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <new>
#include <thread>

static_assert(JPEGLM_LOG_DEBUG == GGML_LOG_LEVEL_DEBUG && JPEGLM_LOG_INFO == GGML_LOG_LEVEL_INFO &&
                  JPEGLM_LOG_WARN == GGML_LOG_LEVEL_WARN && JPEGLM_LOG_ERROR == GGML_LOG_LEVEL_ERROR,
              "jpeglm.h promises ggml's log levels");

namespace jpeglm {

namespace {

thread_local std::string t_last_error;

// ---------------------------------------------------------------------------------------------------------------
// Logging. While an error_capture lives on a thread, the errors llama.cpp logs there are kept for its message.

std::mutex           g_log_mutex;
jpeglm_log_callback  g_log_callback  = nullptr;
void *               g_log_user_data = nullptr;
std::atomic<int32_t> g_log_min_level{JPEGLM_LOG_WARN};

thread_local int32_t     t_log_prev_level = GGML_LOG_LEVEL_INFO;
thread_local bool        t_capture        = false;
thread_local std::string t_captured;

void log_sink(enum ggml_log_level ggml_level, const char * text, void * /*user_data*/) {
    if (text == nullptr) {
        return;
    }
    int32_t level = (int32_t) ggml_level;
    if (level == GGML_LOG_LEVEL_CONT) {
        level = t_log_prev_level;  // a continuation belongs to the previous message
    } else {
        t_log_prev_level = level;
    }
    if (t_capture && level >= GGML_LOG_LEVEL_ERROR) {
        t_captured += text;  // becomes the failing call's error message instead of a log line
        return;
    }
    if (level < g_log_min_level.load(std::memory_order_relaxed) || level == GGML_LOG_LEVEL_NONE) {
        return;
    }
    jpeglm_log_callback callback;
    void *              user_data;
    {
        std::lock_guard<std::mutex> lock(g_log_mutex);
        callback  = g_log_callback;
        user_data = g_log_user_data;
    }
    if (callback != nullptr) {
        callback(level, text, user_data);
    } else {
        fputs(text, stderr);
    }
}

// ggml calls this just before it aborts the process: at least the reason reaches the log.
void on_ggml_abort(const char * message) {
    log_message(JPEGLM_LOG_ERROR, std::string("fatal error in ggml: ") + (message ? message : "?"));
}

std::once_flag g_backend_once;

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// Errors

void fail(int32_t status, const char * fmt, ...) {
    char    buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    throw error(status, buf);
}

void require(bool ok, const char * what) {
    if (!ok) {
        throw error(JPEGLM_ERR_INVALID_ARGUMENT, what);
    }
}

void clear_last_error() {
    t_last_error.clear();
}

int32_t status_of_current_exception() {
    try {
        throw;
    } catch (const error & e) {
        t_last_error = e.what();
        return e.status;
    } catch (const std::bad_alloc &) {
        t_last_error = "out of memory";
        return JPEGLM_ERR_OUT_OF_MEMORY;
    } catch (const std::exception & e) {
        t_last_error = std::string("internal error: ") + e.what();
        return JPEGLM_ERR_INTERNAL;
    } catch (...) {
        t_last_error = "internal error: unknown exception";
        return JPEGLM_ERR_INTERNAL;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Logging

void log_message(int32_t level, const std::string & message) {
    log_sink((enum ggml_log_level) level, (message + "\n").c_str(), nullptr);
}

error_capture::error_capture() {
    t_capture = true;
    t_captured.clear();
}

error_capture::~error_capture() {
    t_capture = false;
}

std::string error_capture::text() const {
    std::string s = t_captured;
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    return s;
}

std::string error_capture::text_or(const char * fallback) const {
    std::string why = text();
    return why.empty() ? std::string(fallback) : why;
}

void backend_init() {
    std::call_once(g_backend_once, [] {
        llama_log_set(log_sink, nullptr);
        ggml_set_abort_callback(on_ggml_abort);
        llama_backend_init();
    });
}

int32_t default_threads() {
    const unsigned n_cores = std::thread::hardware_concurrency();
    return n_cores == 0 ? 4 : (int32_t) n_cores;
}

}  // namespace jpeglm

using namespace jpeglm;

extern "C" {

int32_t jpeglm_api_version(void) {
    return JPEGLM_API_VERSION;
}

const char * jpeglm_last_error(void) {
    return t_last_error.c_str();
}

int32_t jpeglm_backend_init(void) {
    return guarded([] { backend_init(); });
}

void jpeglm_log_set(jpeglm_log_callback callback, int32_t min_level, void * user_data) {
    std::lock_guard<std::mutex> lock(g_log_mutex);
    g_log_callback  = callback;
    g_log_user_data = user_data;
    g_log_min_level.store(min_level);
}

const char * jpeglm_system_info(void) {
    backend_init();
    return llama_print_system_info();
}

int32_t jpeglm_gpu_offload_supported(void) {
    backend_init();
    return llama_supports_gpu_offload() ? 1 : 0;
}

}  // extern "C"
