// jpeglm.cpp — the C API of jpeglm.h over llama.cpp.
//
// Every exported function is wrapped so that no C++ exception escapes, and checks its arguments before
// llama.cpp sees them: llama.cpp and ggml abort the process on many invalid inputs.

#include "jpeglm.h"

#include "ggml.h"
#include "ggml-opt.h"
#include "gguf.h"
#include "llama.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <vector>

namespace {

// ---------------------------------------------------------------------------------------------------------
// Errors: a per-thread message and exceptions carrying a status code.

thread_local std::string t_last_error;

struct jpeglm_error : std::runtime_error {
    int32_t status;
    jpeglm_error(int32_t status, const std::string & message) : std::runtime_error(message), status(status) {}
};

[[noreturn]] void fail(int32_t status, const char * fmt, ...) __attribute__((format(printf, 2, 3)));

void fail(int32_t status, const char * fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    throw jpeglm_error(status, buf);
}

void require(bool ok, const char * what) {
    if (!ok) {
        throw jpeglm_error(JPEGLM_ERR_INVALID_ARGUMENT, what);
    }
}

// Runs body, turning exceptions into a status code and the thread's error message.
template <typename F> int32_t guarded(F && body) {
    try {
        t_last_error.clear();
        body();
        return JPEGLM_OK;
    } catch (const jpeglm_error & e) {
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

// For functions that return a value and a sentinel on failure.
template <typename T, typename F> T guarded_value(T sentinel, F && body) {
    T result = sentinel;
    int32_t status = guarded([&] { result = body(); });
    return status == JPEGLM_OK ? result : sentinel;
}

// ---------------------------------------------------------------------------------------------------------
// Logging: one sink for llama.cpp, ggml and jpeglm. While a call runs on a thread, the errors llama.cpp logs
// there are also captured, so a failed load can say why instead of only "failed".

std::mutex         g_log_mutex;
jpeglm_log_callback g_log_callback  = nullptr;
void *             g_log_user_data = nullptr;
std::atomic<int32_t> g_log_min_level{JPEGLM_LOG_WARN};

thread_local int32_t     t_log_prev_level = JPEGLM_LOG_INFO;
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
    if (t_capture && level >= JPEGLM_LOG_ERROR) {
        t_captured += text;  // becomes the failing call's error message instead of a log line
        return;
    }
    if (level < g_log_min_level.load(std::memory_order_relaxed) || level == GGML_LOG_LEVEL_NONE) {
        return;
    }
    jpeglm_log_callback cb;
    void * ud;
    {
        std::lock_guard<std::mutex> lock(g_log_mutex);
        cb = g_log_callback;
        ud = g_log_user_data;
    }
    if (cb != nullptr) {
        cb(level, text, ud);
    } else {
        fputs(text, stderr);
    }
}

void log_message(int32_t level, const std::string & message) {
    log_sink((enum ggml_log_level) level, (message + "\n").c_str(), nullptr);
}

// Captures the errors llama.cpp logs on this thread for the lifetime of the object.
struct error_capture {
    error_capture() { t_capture = true; t_captured.clear(); }
    ~error_capture() { t_capture = false; }
    std::string text() const {
        std::string s = t_captured;
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
            s.pop_back();
        }
        return s;
    }
};

// ggml calls this just before it aborts the process: at least the reason reaches the log.
void on_ggml_abort(const char * message) {
    log_message(JPEGLM_LOG_ERROR, std::string("fatal error in ggml: ") + (message ? message : "?"));
}

std::once_flag g_backend_once;

void backend_init() {
    std::call_once(g_backend_once, [] {
        llama_log_set(log_sink, nullptr);
        ggml_set_abort_callback(on_ggml_abort);
        llama_backend_init();
    });
}

// ---------------------------------------------------------------------------------------------------------
// GGUF pre-flight: what llama.cpp would assert on or divide by, checked first.

// Bytes of one GGUF scalar value; 0 for strings and arrays.
size_t gguf_scalar_size(enum gguf_type type) {
    switch (type) {
        case GGUF_TYPE_UINT8: case GGUF_TYPE_INT8: case GGUF_TYPE_BOOL: return 1;
        case GGUF_TYPE_UINT16: case GGUF_TYPE_INT16: return 2;
        case GGUF_TYPE_UINT32: case GGUF_TYPE_INT32: case GGUF_TYPE_FLOAT32: return 4;
        case GGUF_TYPE_UINT64: case GGUF_TYPE_INT64: case GGUF_TYPE_FLOAT64: return 8;
        default: return 0;
    }
}

constexpr int32_t kMaxLayers = 512;  // llama.cpp's LLAMA_MAX_LAYERS
constexpr int32_t kMaxSeq    = 256;  // llama.cpp's LLAMA_MAX_SEQ

struct gguf_holder {
    gguf_context * ctx = nullptr;
    ~gguf_holder() { if (ctx) gguf_free(ctx); }
};

// Reads an unsigned hyper-parameter that may be a scalar or a per-layer array; every element must be in [lo, hi].
bool read_hparam(const gguf_context * meta, const std::string & key, int64_t lo, int64_t hi, bool required,
                 int64_t * first) {
    const int64_t id = gguf_find_key(meta, key.c_str());
    if (id < 0) {
        if (required) {
            fail(JPEGLM_ERR_FORMAT, "model metadata lacks '%s'", key.c_str());
        }
        return false;
    }
    auto check = [&](int64_t v) {
        if (v < lo || v > hi) {
            fail(JPEGLM_ERR_FORMAT, "model metadata '%s' = %lld is out of range [%lld, %lld]", key.c_str(),
                 (long long) v, (long long) lo, (long long) hi);
        }
        return v;
    };
    auto scalar = [&](enum gguf_type type, const void * p, bool * ok) -> int64_t {
        *ok = true;
        switch (type) {
            case GGUF_TYPE_UINT8:  return *(const uint8_t *) p;
            case GGUF_TYPE_INT8:   return *(const int8_t *) p;
            case GGUF_TYPE_UINT16: return *(const uint16_t *) p;
            case GGUF_TYPE_INT16:  return *(const int16_t *) p;
            case GGUF_TYPE_UINT32: return *(const uint32_t *) p;
            case GGUF_TYPE_INT32:  return *(const int32_t *) p;
            case GGUF_TYPE_UINT64: return (int64_t) std::min<uint64_t>(*(const uint64_t *) p, INT64_MAX);
            case GGUF_TYPE_INT64:  return *(const int64_t *) p;
            default: *ok = false; return 0;
        }
    };
    const enum gguf_type type = gguf_get_kv_type(meta, id);
    bool ok = false;
    if (type == GGUF_TYPE_ARRAY) {
        const enum gguf_type et = gguf_get_arr_type(meta, id);
        const size_t n = gguf_get_arr_n(meta, id);
        if (n == 0) {
            fail(JPEGLM_ERR_FORMAT, "model metadata '%s' is an empty array", key.c_str());
        }
        const auto * data = (const uint8_t *) gguf_get_arr_data(meta, id);
        const size_t es = et == GGUF_TYPE_STRING ? 0 : gguf_scalar_size(et);
        for (size_t i = 0; i < n && es > 0; i++) {
            int64_t v = scalar(et, data + i * es, &ok);
            if (!ok) break;
            v = check(v);
            if (i == 0) *first = v;
        }
    } else {
        *first = check(scalar(type, gguf_get_val_data(meta, id), &ok));
    }
    if (!ok) {
        fail(JPEGLM_ERR_FORMAT, "model metadata '%s' has type %s, expected an integer", key.c_str(),
             gguf_type_name(type == GGUF_TYPE_ARRAY ? gguf_get_arr_type(meta, id) : type));
    }
    return true;
}

// Opens path's GGUF metadata (no tensor data) and checks everything the load path of llama.cpp relies on.
gguf_context * preflight(const char * path) {
    struct stat st {};
    if (stat(path, &st) != 0) {
        fail(JPEGLM_ERR_IO, "cannot open model file '%s': %s", path, strerror(errno));
    }
    if (!S_ISREG(st.st_mode)) {
        fail(JPEGLM_ERR_IO, "model path '%s' is not a regular file", path);
    }
    FILE * f = fopen(path, "rb");
    if (f == nullptr) {
        fail(JPEGLM_ERR_IO, "cannot open model file '%s': %s", path, strerror(errno));
    }
    char magic[4] = {0, 0, 0, 0};
    const size_t got = fread(magic, 1, 4, f);
    fclose(f);
    if (got < 4 || memcmp(magic, "GGUF", 4) != 0) {
        fail(JPEGLM_ERR_FORMAT, "'%s' is not a GGUF file (it does not start with the bytes \"GGUF\")", path);
    }

    error_capture capture;
    gguf_holder meta;
    meta.ctx = gguf_init_from_file(path, gguf_init_params{/*no_alloc =*/ true, /*ctx =*/ nullptr});
    if (meta.ctx == nullptr) {
        std::string why = capture.text();
        fail(JPEGLM_ERR_FORMAT, "'%s' is not a valid GGUF file%s%s", path, why.empty() ? "" : ": ", why.c_str());
    }

    const int64_t arch_id = gguf_find_key(meta.ctx, "general.architecture");
    if (arch_id < 0 || gguf_get_kv_type(meta.ctx, arch_id) != GGUF_TYPE_STRING) {
        fail(JPEGLM_ERR_FORMAT, "'%s' has no string 'general.architecture'", path);
    }
    const std::string arch = gguf_get_val_str(meta.ctx, arch_id);
    if (arch != "llama") {
        fail(JPEGLM_ERR_UNSUPPORTED, "model architecture '%s' is not supported: jpeglm runs 'llama' models",
             arch.c_str());
    }

    const std::string p = arch + ".";
    int64_t n_embd = 0, n_layer = 0, n_head = 0, n_head_kv = 0, n_ff = 0, n_ctx = 0, n_rot = 0, n_vocab = 0;
    read_hparam(meta.ctx, p + "embedding_length", 1, 1 << 20, true, &n_embd);
    read_hparam(meta.ctx, p + "block_count", 1, kMaxLayers, true, &n_layer);
    read_hparam(meta.ctx, p + "attention.head_count", 1, 1 << 16, true, &n_head);
    read_hparam(meta.ctx, p + "feed_forward_length", 1, 1 << 24, true, &n_ff);
    read_hparam(meta.ctx, p + "context_length", 1, INT32_MAX, true, &n_ctx);
    if (!read_hparam(meta.ctx, p + "attention.head_count_kv", 1, 1 << 16, false, &n_head_kv)) {
        n_head_kv = n_head;
    }
    if (n_embd % n_head != 0) {
        fail(JPEGLM_ERR_FORMAT, "embedding_length %lld is not a multiple of head_count %lld",
             (long long) n_embd, (long long) n_head);
    }
    if (n_head % n_head_kv != 0) {
        fail(JPEGLM_ERR_FORMAT, "head_count %lld is not a multiple of head_count_kv %lld",
             (long long) n_head, (long long) n_head_kv);
    }
    if (read_hparam(meta.ctx, p + "rope.dimension_count", 1, n_embd / n_head, false, &n_rot) && n_rot % 2 != 0) {
        fail(JPEGLM_ERR_FORMAT, "rope.dimension_count %lld is odd", (long long) n_rot);
    }
    read_hparam(meta.ctx, p + "vocab_size", 1, INT32_MAX, false, &n_vocab);

    // Every tensor: sane dimensions and data inside the file.
    const size_t data_offset = gguf_get_data_offset(meta.ctx);
    const int64_t n_tensors = gguf_get_n_tensors(meta.ctx);
    if (n_tensors == 0) {
        fail(JPEGLM_ERR_FORMAT, "'%s' holds no tensors", path);
    }
    for (int64_t i = 0; i < n_tensors; i++) {
        const char * name = gguf_get_tensor_name(meta.ctx, i);
        const int64_t * ne = gguf_get_tensor_ne(meta.ctx, i);
        for (int d = 0; d < GGML_MAX_DIMS; d++) {
            if (ne[d] <= 0 || ne[d] > (int64_t) 1 << 40) {
                fail(JPEGLM_ERR_FORMAT, "tensor '%s' has an absurd dimension %d: %lld", name, d, (long long) ne[d]);
            }
        }
        const uint64_t end = (uint64_t) data_offset + gguf_get_tensor_offset(meta.ctx, i) + gguf_get_tensor_size(meta.ctx, i);
        if (end > (uint64_t) st.st_size) {
            fail(JPEGLM_ERR_FORMAT, "tensor '%s' ends at byte %llu but the file has %lld bytes (truncated?)", name,
                 (unsigned long long) end, (long long) st.st_size);
        }
    }
    gguf_context * result = meta.ctx;
    meta.ctx = nullptr;
    return result;
}

std::string error_text(const error_capture & capture, const char * fallback) {
    std::string why = capture.text();
    // llama.cpp prefixes its messages with the function name: keep the part after the last ": " prefix chain short.
    return why.empty() ? std::string(fallback) : why;
}

// A 64-bit seed folded to the 32 bits llama.cpp's dist sampler takes, never its "random seed" value.
uint32_t sampler_seed(uint64_t seed) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    uint32_t s = (uint32_t) (z ^ (z >> 32));
    return s == LLAMA_DEFAULT_SEED ? 0x5EED5EEDu : s;
}

int32_t default_threads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 4 : (int32_t) n;
}

}  // namespace

// -------------------------------------------------------------------------------------------------------------
// Handles

struct jpeglm_model {
    llama_model *  model = nullptr;
    gguf_context * meta  = nullptr;  // metadata only, for typed key access
    int32_t        n_vocab = 0;
    bool           in_memory = false;  // loaded without mmap: weights are writable (training)
    std::atomic<int32_t> n_sessions{0};

    ~jpeglm_model() {
        if (model) llama_model_free(model);
        if (meta) gguf_free(meta);
    }
};

struct jpeglm_sequence {
    llama_sampler *      sampler = nullptr;
    int32_t              length  = 0;      // tokens in the KV cache
    bool                 has_logits = false;
    std::vector<float>   logits;           // n_vocab
    std::vector<uint8_t> mask;             // empty: no mask
    bool                 overwritten = false;  // logits replaced by the decode call in progress
};

struct jpeglm_session {
    jpeglm_model *  model = nullptr;
    llama_context * ctx   = nullptr;
    int32_t n_ctx   = 0;  // per sequence
    int32_t n_seq   = 0;
    int32_t n_batch = 0;
    int32_t n_vocab = 0;
    llama_batch batch {};
    std::vector<jpeglm_sequence> seqs;
    std::vector<llama_token_data> candidates;
    std::vector<int32_t> scratch_tokens;
    std::vector<int32_t> scratch_last;     // per sequence: index in the call of its last token, or -1
    std::vector<std::vector<float>> backup; // per sequence: logits to restore if a multi-batch decode fails
    std::atomic<int32_t> cancelled{0};

    ~jpeglm_session() {
        // (sessions and trainers both count in model->n_sessions)
        for (auto & s : seqs) {
            if (s.sampler) llama_sampler_free(s.sampler);
        }
        if (batch.token) llama_batch_free(batch);
        if (ctx) llama_free(ctx);
        if (model) model->n_sessions.fetch_sub(1);
    }
};

struct jpeglm_trainer {
    jpeglm_model *  model = nullptr;
    llama_context * ctx   = nullptr;
    int32_t n_ctx   = 0;
    int32_t n_vocab = 0;
    ggml_opt_optimizer_params opt {};

    ~jpeglm_trainer() {
        if (ctx) llama_free(ctx);
        if (model) model->n_sessions.fetch_sub(1);
    }
};

namespace {

const jpeglm_model & model_ref(const jpeglm_model * m) {
    require(m != nullptr, "model is NULL");
    return *m;
}

jpeglm_session & session_ref(jpeglm_session * s) {
    require(s != nullptr, "session is NULL");
    return *s;
}

const jpeglm_session & session_ref(const jpeglm_session * s) {
    require(s != nullptr, "session is NULL");
    return *s;
}

void require_seq(const jpeglm_session & s, int32_t seq) {
    if (seq < 0 || seq >= s.n_seq) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "sequence %d is out of range [0, %d)", seq, s.n_seq);
    }
}

int64_t require_meta_index(const jpeglm_model & m, int64_t index) {
    const int64_t n = gguf_get_n_kv(m.meta);
    if (index < 0 || index >= n) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata index %lld is out of range [0, %lld)", (long long) index, (long long) n);
    }
    return index;
}

llama_sampler * make_sampler(float temperature, int32_t top_k, float top_p, float min_p, uint64_t seed) {
    if (std::isnan(temperature) || std::isnan(top_p) || std::isnan(min_p)) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "sampling parameters must not be NaN");
    }
    if (top_p <= 0.0f || min_p > 1.0f) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "top_p must be in (0, 1] and min_p in [0, 1] (top_p=%g, min_p=%g)", top_p, min_p);
    }
    llama_sampler * chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
    if (chain == nullptr) {
        throw std::bad_alloc();
    }
    if (temperature <= 0.0f) {
        llama_sampler_chain_add(chain, llama_sampler_init_greedy());
        return chain;
    }
    if (top_k > 0) llama_sampler_chain_add(chain, llama_sampler_init_top_k(top_k));
    if (top_p < 1.0f) llama_sampler_chain_add(chain, llama_sampler_init_top_p(top_p, 1));
    if (min_p > 0.0f) llama_sampler_chain_add(chain, llama_sampler_init_min_p(min_p, 1));
    llama_sampler_chain_add(chain, llama_sampler_init_temp(temperature));
    llama_sampler_chain_add(chain, llama_sampler_init_dist(sampler_seed(seed)));
    return chain;
}

// What a decode call changes in one sequence, to undo it if the call fails.
struct seq_undo {
    int32_t seq;
    int32_t length;       // its length before the call
    bool    had_logits;   // whether it had logits before the call
    bool    backed_up;    // whether its old logits are in the session's backup
};

// Undoes a failed decode: removes the call's positions and gives each sequence back the logits it had, so a
// cancelled or failed step can simply be retried.
void roll_back(jpeglm_session & s, const std::vector<seq_undo> & undo) {
    llama_memory_t mem = llama_get_memory(s.ctx);
    for (const seq_undo & u : undo) {
        llama_memory_seq_rm(mem, u.seq, u.length, -1);
        jpeglm_sequence & q = s.seqs[u.seq];
        q.length = u.length;
        if (u.backed_up) {
            std::memcpy(q.logits.data(), s.backup[u.seq].data(), sizeof(float) * s.n_vocab);
        }
        q.has_logits = u.had_logits && (u.backed_up || !q.overwritten);
        q.overwritten = false;
    }
}

// ln softmax(logits)[token], computed in double.
float log_prob(const float * logits, int32_t n_vocab, int32_t token) {
    float max = -INFINITY;
    for (int32_t t = 0; t < n_vocab; t++) max = std::max(max, logits[t]);
    double sum = 0;
    for (int32_t t = 0; t < n_vocab; t++) sum += std::exp((double) logits[t] - max);
    return (float) ((double) logits[token] - max - std::log(sum));
}

// Appends tokens to their sequences. With out_logprobs, every position's logits are computed and
// out_logprobs[i] = ln p(tokens[i] | the sequence before it) (NaN where the sequence had no logits yet).
void decode_tokens(jpeglm_session & s, int32_t n, const int32_t * seqs, const int32_t * tokens, float * out_logprobs = nullptr) {
    require(n >= 0, "token count is negative");
    if (n == 0) return;
    require(seqs != nullptr && tokens != nullptr, "seqs or tokens is NULL");

    // Validate everything first; find each sequence's last token (it alone needs logits).
    std::vector<int32_t> & last = s.scratch_last;
    std::fill(last.begin(), last.end(), -1);
    std::vector<int32_t> added(s.n_seq, 0);
    for (int32_t i = 0; i < n; i++) {
        require_seq(s, seqs[i]);
        if (tokens[i] < 0 || tokens[i] >= s.n_vocab) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "token %d at index %d is out of range [0, %d)", tokens[i], i, s.n_vocab);
        }
        last[seqs[i]] = i;
        added[seqs[i]]++;
    }
    std::vector<seq_undo> undo;
    for (int32_t q = 0; q < s.n_seq; q++) {
        if (added[q] == 0) continue;
        if ((int64_t) s.seqs[q].length + added[q] > s.n_ctx) {
            fail(JPEGLM_ERR_CONTEXT_FULL, "sequence %d would hold %lld tokens, more than the context length %d", q,
                 (long long) s.seqs[q].length + added[q], s.n_ctx);
        }
        undo.push_back(seq_undo{q, s.seqs[q].length, s.seqs[q].has_logits, false});
        s.seqs[q].overwritten = false;
    }
    if (s.cancelled.load()) {
        fail(JPEGLM_ERR_CANCELLED, "cancelled");
    }

    for (int32_t begin = 0; begin < n; begin += s.n_batch) {
        const int32_t end = std::min(n, begin + s.n_batch);
        llama_batch & b = s.batch;
        b.n_tokens = end - begin;
        for (int32_t i = begin; i < end; i++) {
            const int32_t k = i - begin;
            const int32_t q = seqs[i];
            b.token[k]     = tokens[i];
            b.pos[k]       = s.seqs[q].length++;
            b.n_seq_id[k]  = 1;
            b.seq_id[k][0] = q;
            b.logits[k]    = (out_logprobs != nullptr || last[q] == i) ? 1 : 0;
        }
        int32_t rc;
        {
            error_capture capture;
            rc = llama_decode(s.ctx, b);
            if (rc != 0) {
                roll_back(s, undo);
                if (rc == 2 || s.cancelled.load()) fail(JPEGLM_ERR_CANCELLED, "cancelled");
                if (rc == 1) fail(JPEGLM_ERR_CONTEXT_FULL, "no room left in the KV cache for the batch");
                fail(JPEGLM_ERR_COMPUTE, "llama_decode failed (%d)%s%s", rc, capture.text().empty() ? "" : ": ",
                     capture.text().c_str());
            }
        }
        for (int32_t i = begin; i < end; i++) {
            jpeglm_sequence & seq = s.seqs[seqs[i]];
            if (out_logprobs != nullptr) {
                const bool known = seq.overwritten || seq.has_logits;
                out_logprobs[i] = known ? log_prob(seq.logits.data(), s.n_vocab, tokens[i]) : std::numeric_limits<float>::quiet_NaN();
            } else if (last[seqs[i]] != i) {
                continue;
            }
            const float * l = llama_get_logits_ith(s.ctx, i - begin);
            if (l == nullptr) {
                roll_back(s, undo);
                fail(JPEGLM_ERR_INTERNAL, "llama.cpp returned no logits for batch index %d", i - begin);
            }
            if (end < n && seq.has_logits && !seq.overwritten) {
                // A later batch of this call may still fail: keep the old logits to give back (prompts only;
                // a step is one batch and never copies).
                for (seq_undo & u : undo) {
                    if (u.seq == seqs[i]) {
                        s.backup[u.seq].assign(seq.logits.begin(), seq.logits.end());
                        u.backed_up = true;
                    }
                }
            }
            std::memcpy(seq.logits.data(), l, sizeof(float) * s.n_vocab);
            seq.overwritten = true;
        }
    }
    for (const seq_undo & u : undo) {
        s.seqs[u.seq].has_logits = true;
        s.seqs[u.seq].overwritten = false;
    }
}

void sample_tokens(jpeglm_session & s, int32_t n, const int32_t * seqs, int32_t * out) {
    require(n >= 0, "sequence count is negative");
    if (n == 0) return;
    require(seqs != nullptr && out != nullptr, "seqs or out_tokens is NULL");
    std::vector<int32_t> & seen = s.scratch_last;
    std::fill(seen.begin(), seen.end(), -1);
    for (int32_t i = 0; i < n; i++) {
        require_seq(s, seqs[i]);
        if (seen[seqs[i]] >= 0) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "sequence %d is listed twice", seqs[i]);
        }
        seen[seqs[i]] = i;
        if (!s.seqs[seqs[i]].has_logits) {
            fail(JPEGLM_ERR_STATE, "sequence %d has no logits to sample from: decode a token first", seqs[i]);
        }
    }
    for (int32_t i = 0; i < n; i++) {
        jpeglm_sequence & seq = s.seqs[seqs[i]];
        const bool masked = !seq.mask.empty();
        for (int32_t t = 0; t < s.n_vocab; t++) {
            const float l = masked && seq.mask[t] == 0 ? -INFINITY : seq.logits[t];
            s.candidates[t] = llama_token_data{t, l, 0.0f};
        }
        llama_token_data_array arr{s.candidates.data(), (size_t) s.n_vocab, -1, false};
        llama_sampler_apply(seq.sampler, &arr);
        if (arr.selected < 0 || arr.selected >= (int64_t) arr.size) {
            fail(JPEGLM_ERR_COMPUTE, "the sampler of sequence %d selected no token (are the logits NaN?)", seqs[i]);
        }
        const llama_token token = arr.data[arr.selected].id;
        if (token < 0 || token >= s.n_vocab || (masked && seq.mask[token] == 0)) {
            fail(JPEGLM_ERR_COMPUTE, "the sampler of sequence %d selected an invalid token %d", seqs[i], token);
        }
        llama_sampler_accept(seq.sampler, token);
        out[i] = token;
    }
}

// The layout of a saved sequence state: this header, the logits (if any), then llama.cpp's sequence state.
struct state_header {
    char     magic[4];  // "JLMS"
    uint32_t version;
    int32_t  n_vocab;
    int32_t  length;
    int32_t  has_logits;
    uint32_t reserved;
    uint64_t llama_bytes;
};

}  // namespace

// -------------------------------------------------------------------------------------------------------------
// Library

extern "C" {

int32_t jpeglm_api_version(void) { return JPEGLM_API_VERSION; }

const char * jpeglm_last_error(void) { return t_last_error.c_str(); }

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

// -------------------------------------------------------------------------------------------------------------
// Model

int32_t jpeglm_model_load(const char * path, int32_t n_gpu_layers, uint32_t flags, jpeglm_model ** out_model) {
    return guarded([&] {
        require(out_model != nullptr, "out_model is NULL");
        *out_model = nullptr;
        require(path != nullptr, "path is NULL");
        require((flags & ~(uint32_t) (JPEGLM_MODEL_NO_MMAP | JPEGLM_MODEL_CHECK_TENSORS)) == 0, "unknown model flags");
        backend_init();

        auto m = std::make_unique<jpeglm_model>();
        m->meta = preflight(path);

        llama_model_params params = llama_model_default_params();
        params.n_gpu_layers  = n_gpu_layers < 0 ? INT32_MAX : n_gpu_layers;
        params.load_mode     = (flags & JPEGLM_MODEL_NO_MMAP) ? LLAMA_LOAD_MODE_NONE : LLAMA_LOAD_MODE_MMAP;
        params.check_tensors = (flags & JPEGLM_MODEL_CHECK_TENSORS) != 0;
        {
            error_capture capture;
            m->model = llama_model_load_from_file(path, params);
            if (m->model == nullptr) {
                fail(JPEGLM_ERR_FORMAT, "cannot load model '%s': %s", path,
                     error_text(capture, "llama.cpp rejected it").c_str());
            }
        }
        m->in_memory = (flags & JPEGLM_MODEL_NO_MMAP) != 0;
        m->n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(m->model));
        if (m->n_vocab <= 0) {
            fail(JPEGLM_ERR_FORMAT, "model '%s' has no vocabulary (set llama.vocab_size)", path);
        }
        *out_model = m.release();
    });
}

void jpeglm_model_free(jpeglm_model * model) {
    if (model == nullptr) return;
    if (model->n_sessions.load() != 0) {
        // Freeing the weights under live contexts would crash later; leaking is the lesser harm.
        log_message(JPEGLM_LOG_ERROR, "jpeglm_model_free: the model still has open sessions; not freed");
        return;
    }
    delete model;
}

int32_t jpeglm_model_n_vocab(const jpeglm_model * model) {
    return guarded_value<int32_t>(-1, [&] { return model_ref(model).n_vocab; });
}
int32_t jpeglm_model_n_ctx_train(const jpeglm_model * model) {
    return guarded_value<int32_t>(-1, [&] { return llama_model_n_ctx_train(model_ref(model).model); });
}
int32_t jpeglm_model_n_embd(const jpeglm_model * model) {
    return guarded_value<int32_t>(-1, [&] { return llama_model_n_embd(model_ref(model).model); });
}
int32_t jpeglm_model_n_layer(const jpeglm_model * model) {
    return guarded_value<int32_t>(-1, [&] { return llama_model_n_layer(model_ref(model).model); });
}
int32_t jpeglm_model_n_head(const jpeglm_model * model) {
    return guarded_value<int32_t>(-1, [&] { return llama_model_n_head(model_ref(model).model); });
}
int32_t jpeglm_model_n_head_kv(const jpeglm_model * model) {
    return guarded_value<int32_t>(-1, [&] { return llama_model_n_head_kv(model_ref(model).model); });
}
int64_t jpeglm_model_n_params(const jpeglm_model * model) {
    return guarded_value<int64_t>(-1, [&] { return (int64_t) llama_model_n_params(model_ref(model).model); });
}
int64_t jpeglm_model_size_bytes(const jpeglm_model * model) {
    return guarded_value<int64_t>(-1, [&] { return (int64_t) llama_model_size(model_ref(model).model); });
}

int32_t jpeglm_model_desc(const jpeglm_model * model, char * buf, size_t size) {
    return guarded([&] {
        const jpeglm_model & m = model_ref(model);
        require(buf != nullptr && size > 0, "buf is NULL or size is 0");
        llama_model_desc(m.model, buf, size);
        buf[size - 1] = '\0';
    });
}

int64_t jpeglm_model_meta_count(const jpeglm_model * model) {
    return guarded_value<int64_t>(-1, [&] { return gguf_get_n_kv(model_ref(model).meta); });
}

int64_t jpeglm_model_meta_find(const jpeglm_model * model, const char * key) {
    return guarded_value<int64_t>(-1, [&] {
        require(key != nullptr, "key is NULL");
        return gguf_find_key(model_ref(model).meta, key);
    });
}

const char * jpeglm_model_meta_key(const jpeglm_model * model, int64_t index) {
    return guarded_value<const char *>(nullptr, [&] {
        const jpeglm_model & m = model_ref(model);
        return gguf_get_key(m.meta, require_meta_index(m, index));
    });
}

int32_t jpeglm_model_meta_type(const jpeglm_model * model, int64_t index) {
    return guarded_value<int32_t>(-1, [&] {
        const jpeglm_model & m = model_ref(model);
        return (int32_t) gguf_get_kv_type(m.meta, require_meta_index(m, index));
    });
}

namespace {
int64_t require_array(const jpeglm_model & m, int64_t index) {
    require_meta_index(m, index);
    if (gguf_get_kv_type(m.meta, index) != GGUF_TYPE_ARRAY) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not an array", gguf_get_key(m.meta, index));
    }
    return index;
}
}  // namespace

int32_t jpeglm_model_meta_array_type(const jpeglm_model * model, int64_t index) {
    return guarded_value<int32_t>(-1, [&] {
        const jpeglm_model & m = model_ref(model);
        return (int32_t) gguf_get_arr_type(m.meta, require_array(m, index));
    });
}

int64_t jpeglm_model_meta_array_length(const jpeglm_model * model, int64_t index) {
    return guarded_value<int64_t>(-1, [&] {
        const jpeglm_model & m = model_ref(model);
        return (int64_t) gguf_get_arr_n(m.meta, require_array(m, index));
    });
}

int32_t jpeglm_model_meta_scalar(const jpeglm_model * model, int64_t index, void * out, size_t out_size) {
    return guarded([&] {
        const jpeglm_model & m = model_ref(model);
        require_meta_index(m, index);
        require(out != nullptr, "out is NULL");
        const enum gguf_type type = gguf_get_kv_type(m.meta, index);
        if (type == GGUF_TYPE_STRING || type == GGUF_TYPE_ARRAY) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not a scalar", gguf_get_key(m.meta, index));
        }
        const size_t size = gguf_scalar_size(type);
        if (out_size < size) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "out_size %zu is smaller than the value's %zu bytes", out_size, size);
        }
        std::memcpy(out, gguf_get_val_data(m.meta, index), size);
    });
}

const char * jpeglm_model_meta_string(const jpeglm_model * model, int64_t index, int64_t element) {
    return guarded_value<const char *>(nullptr, [&]() -> const char * {
        const jpeglm_model & m = model_ref(model);
        require_meta_index(m, index);
        const enum gguf_type type = gguf_get_kv_type(m.meta, index);
        if (element < 0) {
            if (type != GGUF_TYPE_STRING) {
                fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not a string", gguf_get_key(m.meta, index));
            }
            return gguf_get_val_str(m.meta, index);
        }
        if (type != GGUF_TYPE_ARRAY || gguf_get_arr_type(m.meta, index) != GGUF_TYPE_STRING) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not a string array", gguf_get_key(m.meta, index));
        }
        const size_t n = gguf_get_arr_n(m.meta, index);
        if ((uint64_t) element >= n) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "element %lld is out of range [0, %zu)", (long long) element, n);
        }
        return gguf_get_arr_str(m.meta, index, (size_t) element);
    });
}

const void * jpeglm_model_meta_array_data(const jpeglm_model * model, int64_t index) {
    return guarded_value<const void *>(nullptr, [&]() -> const void * {
        const jpeglm_model & m = model_ref(model);
        require_array(m, index);
        const enum gguf_type et = gguf_get_arr_type(m.meta, index);
        if (et == GGUF_TYPE_STRING || et == GGUF_TYPE_ARRAY) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not a numeric array", gguf_get_key(m.meta, index));
        }
        if (gguf_get_arr_n(m.meta, index) == 0) {
            static const uint64_t empty = 0;  // a valid pointer for an empty array
            return &empty;
        }
        return gguf_get_arr_data(m.meta, index);
    });
}

// -------------------------------------------------------------------------------------------------------------
// Session

int32_t jpeglm_session_create(jpeglm_model * model, int32_t n_ctx, int32_t n_seq, int32_t n_batch,
                              int32_t n_threads, uint32_t flags, jpeglm_session ** out_session) {
    return guarded([&] {
        require(out_session != nullptr, "out_session is NULL");
        *out_session = nullptr;
        require(model != nullptr, "model is NULL");
        if (n_ctx < 1) fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_ctx must be positive (got %d)", n_ctx);
        if (n_seq < 1 || n_seq > kMaxSeq) fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_seq must be in [1, %d] (got %d)", kMaxSeq, n_seq);
        if (n_batch < 0) fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_batch must not be negative (got %d)", n_batch);
        if (n_threads < 0) fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_threads must not be negative (got %d)", n_threads);
        require((flags & ~(uint32_t) (JPEGLM_SESSION_KV_UNIFIED | JPEGLM_SESSION_FLASH_ATTN_ON | JPEGLM_SESSION_FLASH_ATTN_OFF |
                                      JPEGLM_SESSION_KV_F32)) == 0,
                "unknown session flags");
        require(!((flags & JPEGLM_SESSION_FLASH_ATTN_ON) && (flags & JPEGLM_SESSION_FLASH_ATTN_OFF)),
                "flash attention cannot be both on and off");
        const int64_t total = (int64_t) n_ctx * n_seq;
        if (total > INT32_MAX / 2) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_ctx * n_seq = %lld tokens is too large", (long long) total);
        }
        if (n_batch == 0) n_batch = 512;
        if (n_threads == 0) n_threads = default_threads();

        auto s = std::make_unique<jpeglm_session>();
        llama_context_params params = llama_context_default_params();
        params.n_ctx           = (uint32_t) total;
        params.n_batch         = (uint32_t) n_batch;
        params.n_ubatch        = (uint32_t) std::min(n_batch, 512);
        params.n_seq_max       = (uint32_t) n_seq;
        params.n_threads       = n_threads;
        params.n_threads_batch = n_threads;
        params.kv_unified      = (flags & JPEGLM_SESSION_KV_UNIFIED) != 0;
        params.flash_attn_type = (flags & JPEGLM_SESSION_FLASH_ATTN_ON)  ? LLAMA_FLASH_ATTN_TYPE_ENABLED
                               : (flags & JPEGLM_SESSION_FLASH_ATTN_OFF) ? LLAMA_FLASH_ATTN_TYPE_DISABLED
                                                                         : LLAMA_FLASH_ATTN_TYPE_AUTO;
        if (flags & JPEGLM_SESSION_KV_F32) {
            params.type_k = GGML_TYPE_F32;
            params.type_v = GGML_TYPE_F32;
        }
        params.no_perf         = true;
        params.abort_callback  = [](void * data) { return ((jpeglm_session *) data)->cancelled.load() != 0; };
        params.abort_callback_data = s.get();
        {
            error_capture capture;
            s->ctx = llama_init_from_model(model->model, params);
            if (s->ctx == nullptr) {
                fail(JPEGLM_ERR_OUT_OF_MEMORY, "cannot create a context of %lld tokens: %s", (long long) total,
                     error_text(capture, "llama.cpp refused it").c_str());
            }
        }
        // The context now references the model: count it before anything else can fail.
        s->model = model;
        model->n_sessions.fetch_add(1);
        s->n_ctx   = n_ctx;
        s->n_seq   = n_seq;
        s->n_batch = n_batch;
        s->n_vocab = model->n_vocab;
        s->batch   = llama_batch_init(n_batch, 0, 1);
        s->seqs.resize(n_seq);
        for (auto & q : s->seqs) {
            q.logits.assign(s->n_vocab, 0.0f);
            q.sampler = make_sampler(0.0f, 0, 1.0f, 0.0f, 0);
        }
        s->candidates.resize(s->n_vocab);
        s->scratch_last.resize(n_seq);
        s->backup.resize(n_seq);
        *out_session = s.release();
    });
}

void jpeglm_session_free(jpeglm_session * session) {
    delete session;
}

int32_t jpeglm_session_n_ctx(const jpeglm_session * session) {
    return guarded_value<int32_t>(-1, [&] { return session_ref(session).n_ctx; });
}
int32_t jpeglm_session_n_seq(const jpeglm_session * session) {
    return guarded_value<int32_t>(-1, [&] { return session_ref(session).n_seq; });
}
int32_t jpeglm_session_n_vocab(const jpeglm_session * session) {
    return guarded_value<int32_t>(-1, [&] { return session_ref(session).n_vocab; });
}

int32_t jpeglm_session_set_threads(jpeglm_session * session, int32_t n_threads, int32_t n_threads_batch) {
    return guarded([&] {
        jpeglm_session & s = session_ref(session);
        if (n_threads < 1 || n_threads_batch < 1) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "thread counts must be positive (got %d, %d)", n_threads, n_threads_batch);
        }
        llama_set_n_threads(s.ctx, n_threads, n_threads_batch);
    });
}

int32_t jpeglm_session_set_sampler(jpeglm_session * session, int32_t seq, float temperature, int32_t top_k,
                                   float top_p, float min_p, uint64_t seed) {
    return guarded([&] {
        jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        llama_sampler * fresh = make_sampler(temperature, top_k, top_p, min_p, seed);
        llama_sampler_free(s.seqs[seq].sampler);
        s.seqs[seq].sampler = fresh;
    });
}

int32_t jpeglm_session_set_mask(jpeglm_session * session, int32_t seq, const uint8_t * allowed, int32_t n) {
    return guarded([&] {
        jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        if (allowed == nullptr) {
            s.seqs[seq].mask.clear();
            return;
        }
        if (n != s.n_vocab) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "mask has %d entries, the vocabulary %d", n, s.n_vocab);
        }
        if (std::all_of(allowed, allowed + n, [](uint8_t a) { return a == 0; })) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "mask allows no token");
        }
        s.seqs[seq].mask.assign(allowed, allowed + n);
    });
}

int32_t jpeglm_session_decode(jpeglm_session * session, int32_t n, const int32_t * seqs, const int32_t * tokens) {
    return guarded([&] { decode_tokens(session_ref(session), n, seqs, tokens); });
}

int32_t jpeglm_session_score(jpeglm_session * session, int32_t n, const int32_t * seqs, const int32_t * tokens,
                             float * out_logprobs) {
    return guarded([&] {
        require(n == 0 || out_logprobs != nullptr, "out_logprobs is NULL");
        decode_tokens(session_ref(session), n, seqs, tokens, out_logprobs);
    });
}

int32_t jpeglm_session_sample(jpeglm_session * session, int32_t n, const int32_t * seqs, int32_t * out_tokens) {
    return guarded([&] { sample_tokens(session_ref(session), n, seqs, out_tokens); });
}

int32_t jpeglm_session_step(jpeglm_session * session, int32_t n, const int32_t * seqs, int32_t * out_tokens) {
    return guarded([&] {
        jpeglm_session & s = session_ref(session);
        sample_tokens(s, n, seqs, out_tokens);
        decode_tokens(s, n, seqs, out_tokens);
    });
}

float * jpeglm_session_logits(jpeglm_session * session, int32_t seq) {
    return guarded_value<float *>(nullptr, [&]() -> float * {
        jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        if (!s.seqs[seq].has_logits) {
            fail(JPEGLM_ERR_STATE, "sequence %d has no logits: decode a token first", seq);
        }
        return s.seqs[seq].logits.data();
    });
}

int32_t jpeglm_session_seq_length(const jpeglm_session * session, int32_t seq) {
    return guarded_value<int32_t>(-1, [&] {
        const jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        return s.seqs[seq].length;
    });
}

int32_t jpeglm_session_seq_truncate(jpeglm_session * session, int32_t seq, int32_t n_keep) {
    return guarded([&] {
        jpeglm_session & s = session_ref(session);
        if (seq >= 0) require_seq(s, seq);
        require(n_keep >= 0, "n_keep is negative");
        llama_memory_t mem = llama_get_memory(s.ctx);
        for (int32_t q = seq < 0 ? 0 : seq; q < (seq < 0 ? s.n_seq : seq + 1); q++) {
            jpeglm_sequence & sq = s.seqs[q];
            if (n_keep >= sq.length) {
                continue;
            }
            if (!llama_memory_seq_rm(mem, q, n_keep, -1)) {
                fail(JPEGLM_ERR_INTERNAL, "llama.cpp could not remove positions %d.. of sequence %d", n_keep, q);
            }
            sq.length = n_keep;
            sq.has_logits = false;
        }
    });
}

void jpeglm_session_cancel(jpeglm_session * session, int32_t cancelled) {
    if (session != nullptr) {
        session->cancelled.store(cancelled != 0 ? 1 : 0);
    }
}

int64_t jpeglm_session_state_size(jpeglm_session * session, int32_t seq) {
    return guarded_value<int64_t>(-1, [&] {
        jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        const size_t logits = s.seqs[seq].has_logits ? sizeof(float) * s.n_vocab : 0;
        return (int64_t) (sizeof(state_header) + logits + llama_state_seq_get_size(s.ctx, seq));
    });
}

int32_t jpeglm_session_state_save(jpeglm_session * session, int32_t seq, uint8_t * dst, size_t size, size_t * out_written) {
    return guarded([&] {
        jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        require(dst != nullptr && out_written != nullptr, "dst or out_written is NULL");
        *out_written = 0;
        const jpeglm_sequence & q = s.seqs[seq];
        const size_t logits = q.has_logits ? sizeof(float) * s.n_vocab : 0;
        const size_t llama_bytes = llama_state_seq_get_size(s.ctx, seq);
        const size_t need = sizeof(state_header) + logits + llama_bytes;
        if (size < need) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "state buffer has %zu bytes, %zu needed", size, need);
        }
        state_header h{{'J', 'L', 'M', 'S'}, 1, s.n_vocab, q.length, q.has_logits ? 1 : 0, 0, llama_bytes};
        std::memcpy(dst, &h, sizeof h);
        if (logits) std::memcpy(dst + sizeof h, q.logits.data(), logits);
        const size_t got = llama_state_seq_get_data(s.ctx, dst + sizeof h + logits, llama_bytes, seq);
        if (got != llama_bytes) {
            fail(JPEGLM_ERR_INTERNAL, "llama.cpp wrote %zu state bytes, %zu expected", got, llama_bytes);
        }
        *out_written = need;
    });
}

int32_t jpeglm_session_state_load(jpeglm_session * session, int32_t seq, const uint8_t * src, size_t size) {
    return guarded([&] {
        jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        require(src != nullptr, "src is NULL");
        state_header h{};
        if (size < sizeof h) fail(JPEGLM_ERR_FORMAT, "state is %zu bytes, shorter than its header", size);
        std::memcpy(&h, src, sizeof h);
        if (std::memcmp(h.magic, "JLMS", 4) != 0 || h.version != 1) {
            fail(JPEGLM_ERR_FORMAT, "not a jpeglm sequence state (bad magic or version)");
        }
        if (h.n_vocab != s.n_vocab) {
            fail(JPEGLM_ERR_FORMAT, "state was saved with a vocabulary of %d, this session has %d", h.n_vocab, s.n_vocab);
        }
        if (h.length < 0 || h.length > s.n_ctx) {
            fail(JPEGLM_ERR_FORMAT, "state holds %d tokens, the context length is %d", h.length, s.n_ctx);
        }
        const size_t logits = h.has_logits ? sizeof(float) * s.n_vocab : 0;
        if (h.llama_bytes > size || sizeof h + logits + h.llama_bytes != size) {
            fail(JPEGLM_ERR_FORMAT, "state size %zu does not match its header", size);
        }
        jpeglm_sequence & q = s.seqs[seq];
        llama_memory_seq_rm(llama_get_memory(s.ctx), seq, -1, -1);
        q.length = 0;
        q.has_logits = false;
        {
            error_capture capture;
            const size_t read = llama_state_seq_set_data(s.ctx, src + sizeof h + logits, h.llama_bytes, seq);
            if (read == 0) {
                llama_memory_seq_rm(llama_get_memory(s.ctx), seq, -1, -1);
                fail(JPEGLM_ERR_FORMAT, "llama.cpp rejected the saved state: %s", error_text(capture, "unknown reason").c_str());
            }
        }
        const llama_pos max_pos = llama_memory_seq_pos_max(llama_get_memory(s.ctx), seq);
        if (max_pos + 1 != h.length) {
            llama_memory_seq_rm(llama_get_memory(s.ctx), seq, -1, -1);
            fail(JPEGLM_ERR_FORMAT, "state says %d tokens but holds %d", h.length, max_pos + 1);
        }
        q.length = h.length;
        if (logits) {
            std::memcpy(q.logits.data(), src + sizeof h, logits);
            q.has_logits = true;
        }
    });
}

// -------------------------------------------------------------------------------------------------------------
// Files

int32_t jpeglm_quantize(const char * in_path, const char * out_path, int32_t ftype, int32_t n_threads) {
    return guarded([&] {
        require(in_path != nullptr && out_path != nullptr, "in_path or out_path is NULL");
        // The types llama.cpp quantizes without an importance matrix.
        static const int32_t kAllowed[] = {0, 1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 32};
        if (std::find(std::begin(kAllowed), std::end(kAllowed), ftype) == std::end(kAllowed)) {
            fail(JPEGLM_ERR_UNSUPPORTED, "file type %d is not supported (it is unknown or needs an importance matrix)", ftype);
        }
        if (n_threads < 0) fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_threads must not be negative (got %d)", n_threads);
        if (std::strcmp(in_path, out_path) == 0) fail(JPEGLM_ERR_INVALID_ARGUMENT, "in_path and out_path are the same file");
        backend_init();
        gguf_holder meta;
        meta.ctx = preflight(in_path);
        for (int64_t i = 0; i < gguf_get_n_tensors(meta.ctx); i++) {
            const int64_t * ne = gguf_get_tensor_ne(meta.ctx, i);
            const enum ggml_type type = gguf_get_tensor_type(meta.ctx, i);
            if (type != GGML_TYPE_F32 && type != GGML_TYPE_F16 && type != GGML_TYPE_BF16) {
                fail(JPEGLM_ERR_UNSUPPORTED, "tensor '%s' is already quantized (%s): quantize from an F32, F16 or BF16 file",
                     gguf_get_tensor_name(meta.ctx, i), ggml_type_name(type));
            }
            if (ne[1] > 1 && ne[0] % 32 != 0) {
                fail(JPEGLM_ERR_UNSUPPORTED, "tensor '%s' has rows of %lld values, not a multiple of 32: it cannot be quantized",
                     gguf_get_tensor_name(meta.ctx, i), (long long) ne[0]);
            }
        }
        FILE * probe = fopen(out_path, "ab");
        if (probe == nullptr) fail(JPEGLM_ERR_IO, "cannot write '%s': %s", out_path, strerror(errno));
        fclose(probe);

        llama_model_quantize_params params = llama_model_quantize_default_params();
        params.nthread = n_threads;
        params.ftype   = (enum llama_ftype) ftype;
        error_capture capture;
        if (llama_model_quantize(in_path, out_path, &params) != 0) {
            fail(JPEGLM_ERR_INTERNAL, "quantizing '%s' failed: %s", in_path, error_text(capture, "llama.cpp gave no reason").c_str());
        }
    });
}

int32_t jpeglm_model_save(const jpeglm_model * model, const char * path) {
    return guarded([&] {
        const jpeglm_model & m = model_ref(model);
        require(path != nullptr, "path is NULL");
        error_capture capture;
        llama_model_save_to_file(m.model, path);
        const std::string why = capture.text();
        if (!why.empty()) fail(JPEGLM_ERR_IO, "cannot save the model to '%s': %s", path, why.c_str());
    });
}

// -------------------------------------------------------------------------------------------------------------
// Training

int32_t jpeglm_trainer_create(jpeglm_model * model, int32_t n_ubatch, int32_t n_threads, jpeglm_trainer ** out_trainer) {
    return guarded([&] {
        require(out_trainer != nullptr, "out_trainer is NULL");
        *out_trainer = nullptr;
        require(model != nullptr, "model is NULL");
        if (!model->in_memory) {
            fail(JPEGLM_ERR_STATE, "training changes the weights: load the model with JPEGLM_MODEL_NO_MMAP");
        }
        for (int64_t i = 0; i < gguf_get_n_tensors(model->meta); i++) {
            if (gguf_get_tensor_type(model->meta, i) != GGML_TYPE_F32) {
                fail(JPEGLM_ERR_UNSUPPORTED, "training needs F32 weights; tensor '%s' is %s", gguf_get_tensor_name(model->meta, i),
                     ggml_type_name(gguf_get_tensor_type(model->meta, i)));
            }
        }
        const int32_t n_ctx = llama_model_n_ctx_train(model->model);
        if (n_ctx < 1 || n_ctx > 1 << 20) fail(JPEGLM_ERR_FORMAT, "the model's context length %d cannot be trained", n_ctx);
        if (n_ubatch == 0) n_ubatch = n_ctx;
        if (n_ubatch < 1 || n_ctx % n_ubatch != 0) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_ubatch %d must divide the context length %d", n_ubatch, n_ctx);
        }
        if (n_threads < 0) fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_threads must not be negative (got %d)", n_threads);
        if (n_threads == 0) n_threads = default_threads();

        auto t = std::make_unique<jpeglm_trainer>();
        llama_context_params params = llama_context_default_params();
        params.n_ctx           = (uint32_t) n_ctx;
        params.n_batch         = (uint32_t) n_ctx;
        params.n_ubatch        = (uint32_t) n_ubatch;
        params.n_seq_max       = 1;
        params.n_threads       = n_threads;
        params.n_threads_batch = n_threads;
        params.type_k          = GGML_TYPE_F32;
        params.type_v          = GGML_TYPE_F32;
        params.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
        params.no_perf         = true;
        {
            error_capture capture;
            t->ctx = llama_init_from_model(model->model, params);
            if (t->ctx == nullptr) {
                fail(JPEGLM_ERR_OUT_OF_MEMORY, "cannot create a training context: %s", error_text(capture, "llama.cpp refused it").c_str());
            }
        }
        t->model = model;
        model->n_sessions.fetch_add(1);
        // llama.cpp's training loop reads windows of the model's context length into buffers of the context's
        // length: the two must agree.
        if ((int32_t) llama_n_ctx(t->ctx) != n_ctx) {
            fail(JPEGLM_ERR_UNSUPPORTED, "llama.cpp made a context of %u tokens for a model trained on %d; use a context length "
                 "that is a multiple of 256", llama_n_ctx(t->ctx), n_ctx);
        }
        t->n_ctx   = n_ctx;
        t->n_vocab = model->n_vocab;
        // llama.cpp hands its thread count to the CPU backend only when it evaluates a batch itself; its training
        // loop does not, and would run on ggml's default of 4 threads. One token through llama_decode sets it.
        {
            error_capture capture;
            llama_batch one = llama_batch_get_one(nullptr, 0);
            llama_token token = 0;
            one.token = &token;
            one.n_tokens = 1;
            if (llama_decode(t->ctx, one) != 0) {
                fail(JPEGLM_ERR_COMPUTE, "cannot run the training context: %s", error_text(capture, "llama_decode failed").c_str());
            }
            llama_memory_clear(llama_get_memory(t->ctx), true);
        }
        t->opt = ggml_opt_get_default_optimizer_params(nullptr);
        t->opt.adamw.alpha = 1e-3f;
        t->opt.adamw.wd    = 0.0f;

        llama_opt_params lopt {};
        lopt.n_ctx_train     = 0;
        lopt.param_filter    = llama_opt_param_filter_all;
        lopt.param_filter_ud = nullptr;
        lopt.get_opt_pars    = [](void * ud) { return ((jpeglm_trainer *) ud)->opt; };
        lopt.get_opt_pars_ud = t.get();
        lopt.optimizer_type  = GGML_OPT_OPTIMIZER_TYPE_ADAMW;
        {
            error_capture capture;
            llama_opt_init(t->ctx, model->model, lopt);
        }
        *out_trainer = t.release();
    });
}

void jpeglm_trainer_free(jpeglm_trainer * trainer) {
    delete trainer;
}

int32_t jpeglm_trainer_n_ctx(const jpeglm_trainer * trainer) {
    return guarded_value<int32_t>(-1, [&] {
        require(trainer != nullptr, "trainer is NULL");
        return trainer->n_ctx;
    });
}

int32_t jpeglm_trainer_set_optimizer(jpeglm_trainer * trainer, float learning_rate, float beta1, float beta2, float eps,
                                     float weight_decay) {
    return guarded([&] {
        require(trainer != nullptr, "trainer is NULL");
        auto finite = [](float v) { return std::isfinite(v); };
        // ggml-opt asserts (aborts) on a learning rate of 0.
        if (!finite(learning_rate) || learning_rate <= 0 || !finite(beta1) || beta1 < 0 || beta1 >= 1 || !finite(beta2) ||
            beta2 < 0 || beta2 >= 1 || !finite(eps) || eps <= 0 || !finite(weight_decay) || weight_decay < 0 || weight_decay > 1) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "AdamW parameters out of range (lr %g, beta1 %g, beta2 %g, eps %g, weight decay %g)",
                 learning_rate, beta1, beta2, eps, weight_decay);
        }
        trainer->opt.adamw.alpha = learning_rate;
        trainer->opt.adamw.beta1 = beta1;
        trainer->opt.adamw.beta2 = beta2;
        trainer->opt.adamw.eps   = eps;
        trainer->opt.adamw.wd    = weight_decay;
    });
}

int32_t jpeglm_trainer_run(jpeglm_trainer * trainer, int64_t n_windows, int64_t n_train, const int32_t * tokens,
                           const int32_t * labels, float * out_train_loss, float * out_eval_loss) {
    return guarded([&] {
        require(trainer != nullptr, "trainer is NULL");
        jpeglm_trainer & t = *trainer;
        if (n_windows < 1 || n_train < 0 || n_train > n_windows) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "need 1 <= n_windows and 0 <= n_train <= n_windows (got %lld, %lld)",
                 (long long) n_windows, (long long) n_train);
        }
        if (n_windows > (int64_t) INT32_MAX / t.n_ctx) fail(JPEGLM_ERR_INVALID_ARGUMENT, "too many windows: %lld", (long long) n_windows);
        require(tokens != nullptr && labels != nullptr, "tokens or labels is NULL");
        const int64_t n = n_windows * t.n_ctx;
        for (int64_t i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= t.n_vocab || labels[i] < 0 || labels[i] >= t.n_vocab) {
                fail(JPEGLM_ERR_INVALID_ARGUMENT, "token or label at index %lld is out of range [0, %d)", (long long) i, t.n_vocab);
            }
        }
        struct dataset_holder {
            ggml_opt_dataset_t d = nullptr;
            ~dataset_holder() { if (d) ggml_opt_dataset_free(d); }
        } ds;
        struct result_holder {
            ggml_opt_result_t r = ggml_opt_result_init();
            ~result_holder() { ggml_opt_result_free(r); }
        } train, eval;
        ds.d = ggml_opt_dataset_init(GGML_TYPE_I32, GGML_TYPE_I32, t.n_ctx, t.n_ctx, n_windows, 1);
        std::memcpy(ggml_opt_dataset_data(ds.d)->data, tokens, sizeof(int32_t) * n);
        std::memcpy(ggml_opt_dataset_labels(ds.d)->data, labels, sizeof(int32_t) * n);
        {
            error_capture capture;
            llama_opt_epoch(t.ctx, ds.d, train.r, eval.r, n_train, nullptr, nullptr);
            const std::string why = capture.text();
            if (!why.empty()) fail(JPEGLM_ERR_COMPUTE, "training failed: %s", why.c_str());
        }
        auto mean_loss = [](ggml_opt_result_t r) {
            int64_t count = 0;
            ggml_opt_result_ndata(r, &count);
            if (count == 0) return std::numeric_limits<float>::quiet_NaN();
            double loss = 0, unc = 0;
            ggml_opt_result_loss(r, &loss, &unc);
            return (float) loss;
        };
        if (out_train_loss) *out_train_loss = mean_loss(train.r);
        if (out_eval_loss) *out_eval_loss = mean_loss(eval.r);
    });
}

}  // extern "C"
