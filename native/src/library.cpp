// library.cpp — errors, logging, backend initialization and devices: the "Library" functions of jpeglm.h.

#include "internal.h"

#include "ggml-backend.h"
#include "ggml.h"

#include <algorithm>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#if defined(JPEGLM_DYNAMIC_BACKENDS)
#include <dlfcn.h>

#include <filesystem>
#endif

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
thread_local bool        t_hold_warnings = false;
thread_local std::string t_held;
thread_local std::string t_log_line;  // a message llama.cpp writes in pieces, until its newline
thread_local int32_t     t_log_line_level = GGML_LOG_LEVEL_INFO;

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
    if (t_hold_warnings && level == GGML_LOG_LEVEL_WARN) {
        t_held += text;  // logged when the hold ends, unless dropped
        return;
    }
    if (level < g_log_min_level.load(std::memory_order_relaxed) || level == GGML_LOG_LEVEL_NONE) {
        return;
    }
    // Some messages come in pieces ("warning: blk.0.attn_k.weight ... " then "-> falling back to q5_0\n"): the
    // callback gets whole lines, at the level of their first piece.
    if (t_log_line.empty()) {
        t_log_line_level = level;
    }
    t_log_line += text;
    if (t_log_line.empty() || (t_log_line.back() != '\n' && t_log_line.size() < 4096)) {
        return;
    }
    std::string line;
    line.swap(t_log_line);
    level = t_log_line_level;
    text  = line.c_str();
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

std::once_flag               g_backend_once;
std::string                  g_backend_error;  // why backend_init failed; set once, under g_backend_once
std::vector<skipped_backend> g_skipped;        // set once, under g_backend_once

#if defined(JPEGLM_DYNAMIC_BACKENDS)
// The folder libjpeglm was loaded from: the prebuilt runtime keeps ggml's backend libraries beside it.
std::string library_dir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<void *>(&jpeglm_api_version), &info) == 0 || info.dli_fname == nullptr) {
        fail(JPEGLM_ERR_INTERNAL, "cannot find the folder of libjpeglm (dladdr failed)");
    }
    const std::string path  = info.dli_fname;
    const size_t      slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

// Loads the backends named in list (comma-separated file names in dir, or paths), each or fail.
void load_named_backends(const std::string & dir, const std::string & list) {
    size_t start = 0;
    while (start <= list.size()) {
        const size_t      comma = std::min(list.find(',', start), list.size());
        const std::string name  = list.substr(start, comma - start);
        start                   = comma + 1;
        if (name.empty()) {
            continue;
        }
        const std::string path = name.find('/') == std::string::npos ? dir + "/" + name : name;
        error_capture     capture;
        if (ggml_backend_load(path.c_str()) == nullptr) {
            fail(JPEGLM_ERR_UNSUPPORTED, "JPEGLM_BACKENDS: cannot load %s: %s", path.c_str(),
                 capture.text_or("not supported on this CPU or not a ggml backend").c_str());
        }
    }
}

// The backend a file in libjpeglm's folder holds ("vulkan" for libggml-vulkan.so), or "" if it holds none or a
// CPU variant (one of them loads; the others are meant to be left).
std::string backend_of(const std::string & file) {
    const std::string prefix = "libggml-";
    const std::string suffix = ".so";
    if (file.rfind(prefix, 0) != 0 || file.size() <= prefix.size() + suffix.size() ||
        file.compare(file.size() - suffix.size(), suffix.size(), suffix) != 0) {
        return "";
    }
    const std::string name = file.substr(prefix.size(), file.find_first_of("-.", prefix.size()) - prefix.size());
    // RPC has devices only once servers are added (jpeglm_model_load_rpc): not a GPU backend to report.
    return name == "base" || name == "cpu" || name == "rpc" ? "" : name;
}

// Why a backend library that ggml did not register cannot be used: the dynamic loader's reason (a missing
// libvulkan.so.1 or CUDA runtime), or what is left when the library itself loads.
std::string why_not_loaded(const std::string & path) {
    void * handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char * why = dlerror();
        return why != nullptr ? why : "the dynamic loader refused it";
    }
    dlclose(handle);
    return "it loads, but its backend did not start (no driver, or not supported here)";
}

std::string no_device(const std::string & backend) {
    return backend != "vulkan" ? "no device found"
                               : "no device found (a CPU-type Vulkan device, such as Mesa's llvmpipe, is used only "
                                 "when GGML_VK_VISIBLE_DEVICES names it)";
}

// Records, and logs at INFO, each GPU backend in dir that ggml_backend_load_all_from_path left out, and each
// one that loaded without finding a device: ggml skips them silently.
void report_skipped(const std::string & dir) {
    std::error_code ec;  // a folder that cannot be read only means nothing is reported, never an exception
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::filesystem::directory_entry & entry   = *it;
        const std::string                        file    = entry.path().filename().string();
        const std::string                        backend = backend_of(file);
        if (backend.empty()) {
            continue;
        }
        ggml_backend_reg_t reg    = ggml_backend_reg_by_name(backend.c_str());
        std::string        reason = reg == nullptr                         ? why_not_loaded(entry.path().string())
                                    : ggml_backend_reg_dev_count(reg) == 0 ? no_device(backend)
                                                                           : "";
        if (!reason.empty()) {
            log_message(JPEGLM_LOG_INFO, "skipped backend " + file + ": " + reason);
            g_skipped.push_back({file, reason});
        }
    }
}

// ggml's backends are separate libraries in this build: load the best of each kind from libjpeglm's folder, or
// only the files JPEGLM_BACKENDS names (e.g. libggml-cpu-x64.so, the oldest CPU variant).
void load_backends() {
    if (std::strcmp(ggml_version(), JPEGLM_GGML_VERSION) != 0) {
        fail(JPEGLM_ERR_UNSUPPORTED, "libggml-base is ggml %s, but libjpeglm was built for ggml %s", ggml_version(),
             JPEGLM_GGML_VERSION);
    }
    const std::string dir  = library_dir();
    const char *      only = std::getenv("JPEGLM_BACKENDS");
    if (only != nullptr && *only != '\0') {
        load_named_backends(dir, only);
    } else {
        ggml_backend_load_all_from_path(dir.c_str());
        report_skipped(dir);
    }
    if (ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU) == nullptr) {
        fail(JPEGLM_ERR_UNSUPPORTED, "no CPU backend was loaded from %s (libggml-cpu-*.so%s)", dir.c_str(),
             only != nullptr && *only != '\0' ? ", JPEGLM_BACKENDS names none" : "");
    }
}
#else
void load_backends() {}  // the backends are linked in
#endif

int32_t device_type(ggml_backend_dev_t dev) {
    if (is_rpc_device(dev)) {
        return JPEGLM_DEVICE_RPC;  // ggml calls them GPUs
    }
    switch (ggml_backend_dev_type(dev)) {
        case GGML_BACKEND_DEVICE_TYPE_CPU:
            return JPEGLM_DEVICE_CPU;
        case GGML_BACKEND_DEVICE_TYPE_GPU:
            return JPEGLM_DEVICE_GPU;
        case GGML_BACKEND_DEVICE_TYPE_IGPU:
            return JPEGLM_DEVICE_IGPU;
        case GGML_BACKEND_DEVICE_TYPE_ACCEL:
            return JPEGLM_DEVICE_ACCEL;
        default:
            return JPEGLM_DEVICE_OTHER;
    }
}

}  // namespace

void copy_text(const char * text, char * buf, size_t size) {
    if (size > 0) {
        snprintf(buf, size, "%s", text != nullptr ? text : "");
    }
}

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

warning_hold::warning_hold(bool active) : active_(active) {
    if (active_) {
        t_hold_warnings = true;
        t_held.clear();
    }
}

warning_hold::~warning_hold() {
    if (!active_) {
        return;
    }
    t_hold_warnings        = false;
    const std::string held = std::move(t_held);
    t_held.clear();
    if (!dropped_ && !held.empty()) {
        log_sink(GGML_LOG_LEVEL_WARN, held.c_str(), nullptr);
    }
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
        try {
            load_backends();  // before llama_backend_init, which would look for them next to java instead
        } catch (const error & e) {
            g_backend_error = e.what();  // loaded once or never: a second attempt would register backends twice
            return;
        }
        llama_backend_init();
    });
    if (!g_backend_error.empty()) {
        throw error(JPEGLM_ERR_UNSUPPORTED, g_backend_error);
    }
}

const std::vector<skipped_backend> & skipped_backends() {
    backend_init();
    return g_skipped;
}

int32_t default_threads() {
    return usable_cpus("").cpus;
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
    return guarded_value<const char *>("", [] {
        backend_init();
        return llama_print_system_info();
    });
}

int32_t jpeglm_gpu_offload_supported(void) {
    return guarded_value<int32_t>(0, [] {
        backend_init();
        // llama_supports_gpu_offload() also says yes for an RPC backend without servers: only local GPUs count.
        for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
            ggml_backend_dev_t dev  = ggml_backend_dev_get(i);
            const int32_t      type = device_type(dev);
            if (type == JPEGLM_DEVICE_GPU || type == JPEGLM_DEVICE_IGPU) {
                return 1;
            }
        }
        return 0;
    });
}

int32_t jpeglm_device_count(void) {
    return guarded_value<int32_t>(-1, [] {
        backend_init();
        return (int32_t) ggml_backend_dev_count();
    });
}

int32_t jpeglm_device_info(int32_t index, char * name, size_t name_size, char * description, size_t description_size,
                           int32_t * out_type, uint64_t * out_memory_free, uint64_t * out_memory_total) {
    return guarded([&] {
        backend_init();
        require(index >= 0 && (size_t) index < ggml_backend_dev_count(), "device index out of range");
        require((name != nullptr || name_size == 0) && (description != nullptr || description_size == 0),
                "name or description is NULL with a non-zero size");
        require(out_type != nullptr && out_memory_free != nullptr && out_memory_total != nullptr,
                "out_type, out_memory_free or out_memory_total is NULL");
        ggml_backend_dev_t device = ggml_backend_dev_get((size_t) index);
        size_t             free   = 0;
        size_t             total  = 0;
        if (!rpc_device_memory(device, &free, &total, nullptr)) {
            ggml_backend_dev_memory(device, &free, &total);
        }
        copy_text(ggml_backend_dev_name(device), name, name_size);
        copy_text(device_description(device).c_str(), description, description_size);
        *out_type         = device_type(device);
        *out_memory_free  = free;
        *out_memory_total = total;
    });
}

int32_t jpeglm_backend_skipped_count(void) {
    return guarded_value<int32_t>(-1, [] { return (int32_t) skipped_backends().size(); });
}

int32_t jpeglm_backend_skipped_info(int32_t index, char * file, size_t file_size, char * reason, size_t reason_size) {
    return guarded([&] {
        const std::vector<skipped_backend> & skipped = skipped_backends();
        require(index >= 0 && (size_t) index < skipped.size(), "skipped backend index out of range");
        require((file != nullptr || file_size == 0) && (reason != nullptr || reason_size == 0),
                "file or reason is NULL with a non-zero size");
        copy_text(skipped[(size_t) index].file.c_str(), file, file_size);
        copy_text(skipped[(size_t) index].reason.c_str(), reason, reason_size);
    });
}

}  // extern "C"
