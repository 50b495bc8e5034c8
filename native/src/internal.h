// internal.h — what the source files of libjpeglm share: errors, logging, the GGUF pre-check and the handles.
// Nothing here is exported: the library's symbols are hidden unless jpeglm.h marks them JPEGLM_API.
#ifndef JPEGLM_INTERNAL_H
#define JPEGLM_INTERNAL_H

#include "jpeglm.h"

#include "gguf.h"
#include "llama.h"
#include "thread_tuner.h"

#include <sched.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace jpeglm {

// ---------------------------------------------------------------------------------------------------------------
// Errors (library.cpp): exceptions carrying a status code, turned into the status and the thread's message at
// the API boundary, so that no C++ exception escapes.

struct error : std::runtime_error {
    int32_t status;

    error(int32_t code, const std::string & message) : std::runtime_error(message), status(code) {}
};

[[noreturn]] void fail(int32_t status, const char * fmt, ...) __attribute__((format(printf, 2, 3)));

// Throws JPEGLM_ERR_INVALID_ARGUMENT with what unless ok.
void require(bool ok, const char * what);

void clear_last_error();

// Called in a catch block: records the exception being handled as the thread's error and returns its status.
int32_t status_of_current_exception();

// Runs body, turning exceptions into a status code and the thread's error message.
template <typename F> int32_t guarded(F && body) {
    try {
        clear_last_error();
        body();
        return JPEGLM_OK;
    } catch (...) {
        return status_of_current_exception();
    }
}

// For functions that return a value and a sentinel on failure.
template <typename T, typename F> T guarded_value(T sentinel, F && body) {
    T             result = sentinel;
    const int32_t status = guarded([&] { result = body(); });
    return status == JPEGLM_OK ? result : sentinel;
}

// ---------------------------------------------------------------------------------------------------------------
// Logging (library.cpp): one sink for llama.cpp, ggml and jpeglm.

// Initializes llama.cpp's backends and routes its log to the sink, once.
void backend_init();

// Logs one line at a JPEGLM_LOG_* level.
void log_message(int32_t level, const std::string & message);

// Captures the errors llama.cpp logs on this thread while it lives, so a failed call can say why instead of
// only "failed". The captured errors are not logged.
class error_capture {
  public:
    error_capture();
    ~error_capture();
    error_capture(const error_capture &)             = delete;
    error_capture & operator=(const error_capture &) = delete;

    // What was captured, without trailing blanks.
    std::string text() const;
    // text(), or fallback if nothing was captured.
    std::string text_or(const char * fallback) const;
};

// Holds the warnings llama.cpp logs on this thread while it lives (when active) and logs them at its end, unless
// dropped: a decode the session stops on purpose makes llama.cpp warn about what it undoes.
class warning_hold {
  public:
    explicit warning_hold(bool active);
    ~warning_hold();
    warning_hold(const warning_hold &)             = delete;
    warning_hold & operator=(const warning_hold &) = delete;

    void drop() { dropped_ = true; }

  private:
    bool active_;
    bool dropped_ = false;
};

// A GPU backend library in libjpeglm's folder that is not in use, and why (the prebuilt runtime only).
struct skipped_backend {
    std::string file;    // e.g. "libggml-cuda.so"
    std::string reason;  // e.g. the dynamic loader's "libcudart.so.13: cannot open shared object file: ..."
};

// The backends backend_init left out; initializes the backends first.
const std::vector<skipped_backend> & skipped_backends();

// CPU threads for the library's other work (quantizing, training) when the caller passes 0: the usable CPUs.
int32_t default_threads();

// Copies text into buf (size bytes, NUL-terminated, truncated); buf may be NULL when size is 0.
void copy_text(const char * text, char * buf, size_t size);

// ---------------------------------------------------------------------------------------------------------------
// CPUs (cpus.cpp): how many this process may use.

struct cpu_budget {
    int32_t     cpus = 1;  // at least 1
    std::string why;       // e.g. "2 in the affinity mask, no cgroup CPU quota"
};

// The affinity mask's CPUs capped by the cgroup CPU quota (v2 cpu.max, v1 cpu.cfs_quota_us), up the cgroup
// hierarchy. root "" reads this process (sched_getaffinity); another root reads <root>/proc/self/status's
// Cpus_allowed_list, <root>/proc/self/cgroup and <root>/sys/fs/cgroup/... instead (tests).
cpu_budget usable_cpus(const std::string & root);

// The CPUs of this process's affinity mask, by number (empty if unknown).
std::vector<bool> affinity_mask();

// The number of CPUs in a list like "0-3,8,10-11" (/proc's Cpus_allowed_list), 0 if malformed.
int32_t count_cpu_list(const std::string & list);

// ---------------------------------------------------------------------------------------------------------------
// Threads (threads.cpp): a session's thread pools and counts.

// A CPU mask in llama.cpp's --cpu-mask form ("0x3": CPUs 0 and 1) as one flag per CPU; fails unless it is 1 to 128
// hexadecimal digits naming at least one CPU of the affinity mask.
std::vector<bool> parse_cpu_mask(const std::string & hex);

// A session's threads: the counts for single-token and batched decodes (fixed or tuned), and the ggml thread pools
// that run them, made once per count and attached to the context (freed with the session). Session thread only.
class session_threads {
  public:
    session_threads() = default;
    ~session_threads();
    session_threads(const session_threads &)             = delete;
    session_threads & operator=(const session_threads &) = delete;

    // The work a step is (the model's parameters, the session's sequences and batch size) and the usable CPUs.
    void init(int64_t n_params, int32_t n_seq, int32_t n_batch);
    // The counts for single-token decodes and for batches; 0 chooses and tunes one.
    void configure(int32_t n_threads, int32_t n_threads_batch);
    void set_poll(int32_t poll);
    // hex NULL or "": no mask.
    void set_cpu_mask(const char * hex);
    // CPUs the automatic counts leave to the process's other work (0..GGML_MAX_N_THREADS).
    void set_reserve(int32_t n_cpus);

    // Around each llama_decode of n_tokens tokens. may_stop: the decode may be stopped and then run again (it is
    // one llama.cpp micro-batch, whose positions llama.cpp removes when stopped).
    void before_decode(llama_context * ctx, int32_t n_tokens, bool may_stop);
    void after_decode(bool ok, double seconds);
    // For the context's abort callback: whether the decode in progress has run past its time limit.
    bool past_deadline() const;
    // Whether the last decode was stopped at its time limit (it is then run again at the usual count).
    bool stopped() const { return stopped_; }

    int32_t     current(bool batch) const;
    std::string describe() const;

  private:
    struct pool {
        ggml_threadpool_t tp        = nullptr;
        int32_t           n_threads = 0;
        bool              retired   = false;  // made with an earlier poll or mask
        uint64_t          last_use  = 0;
    };

    int32_t max_threads() const;
    // The most threads an automatic count may use: the usable CPUs less the reserve, at least 1.
    int32_t max_auto_threads() const;
    // The CPUs free for one more of this session's threads (thread_tuner::free_cpus_fn), measured since the last.
    double            free_cpus();
    ggml_threadpool_t pool_for(int32_t n_threads);
    void              retire_pools();
    void              evict_pools();
    void              free_pool(pool & p);

    int64_t                        n_params_ = 0;
    int32_t                        n_seq_ = 1, n_batch_ = 1, batch_tokens_ = 2;
    cpu_budget                     budget_;
    int32_t                        asked_[2] = {0, 0};
    int32_t                        poll_     = JPEGLM_DEFAULT_POLL;
    std::vector<bool>              cpu_mask_;
    int32_t                        reserve_ = 0;
    thread_tuner                   tuners_[2];  // [0] single tokens, [1] batches
    std::vector<pool>              pools_;
    ggml_threadpool_t              attached_[2] = {nullptr, nullptr};
    int32_t                        counts_[2]   = {0, 0};
    std::vector<ggml_threadpool_t> held_;  // pools the CPU backend may still hold
    uint64_t                       uses_  = 0;
    int32_t                        phase_ = 0, count_ = 1, tokens_ = 0;  // the decode in progress
    std::atomic<int64_t>           deadline_ns_{0};                      // steady clock; 0: none
    bool                           stopped_ = false;
    // With a mask, the calling thread (ggml's worker 0) runs on it during each decode and on its own CPUs between:
    // ggml moves the caller onto the mask only when a paused pool starts and never back, so a Java thread that once
    // decoded with a mask stayed pinned for good (and every pool it made later, which inherits its CPUs, with it).
    cpu_set_t                 mask_cpus_{};    // cpu_mask_ as a set
    cpu_set_t                 caller_cpus_{};  // the caller's own, saved before the decode
    bool                      restore_cpus_ = false;
    mutable std::atomic<bool> fired_{false};  // past_deadline said so during the decode
    mutable int32_t           checks_ = 0;    // past_deadline calls during the decode (the test mode)
    std::string               start_why_;     // how the automatic counts started
    cpu_look                  look_;          // the last look at the CPUs
};

// ---------------------------------------------------------------------------------------------------------------
// Devices (devices.cpp): where a model's layers go.

// The devices to offload layers to, without the CPU: the n named ones (a CPU device's name means the CPU, which
// is always used), or for n < 0 the best GPU backend's: every CUDA device, else every Vulkan GPU, else none.
// An unknown name fails with the devices there are.
std::vector<ggml_backend_dev_t> offload_devices(const char * const * names, int32_t n);

// What a device is, for people: ggml's description, or "rpc-server HOST:PORT".
std::string device_description(ggml_backend_dev_t dev);

// Logs at INFO where the n_gpu_layers (< 0: all) layers of a loaded model went; a warning if they were to be
// offloaded but no device was named (named: the caller chose the devices) and there is no GPU.
void log_offload(const llama_model * model, int32_t n_gpu_layers, const std::vector<ggml_backend_dev_t> & devices,
                 bool named);

// ---------------------------------------------------------------------------------------------------------------
// RPC (rpc.cpp): layers on rpc-servers, each reached through a relay of libjpeglm's own.

struct rpc_relay;

// A model's use of one rpc-server: its relay, and how many of the relay's connections had failed before the load.
struct rpc_use {
    const rpc_relay * relay;
    uint64_t          failures;
};

// Reaches the n rpc-servers named by endpoints ("host:port"), each within timeout_ms (registering their devices
// with ggml the first time), and returns their devices in that order; adds one entry per server to uses. Fails
// with JPEGLM_ERR_IO naming a server that cannot be used and why, JPEGLM_ERR_UNSUPPORTED without an RPC backend.
std::vector<ggml_backend_dev_t> rpc_connect(const char * const * endpoints, int32_t n, int32_t timeout_ms,
                                            std::vector<rpc_use> & uses);

// Whether a connection of one of uses failed since it was recorded.
bool rpc_failed(const std::vector<rpc_use> & uses);

// Throws JPEGLM_ERR_IO naming the server if rpc_failed(uses).
void rpc_check(const std::vector<rpc_use> & uses);

// Whether dev is a device of ggml's RPC backend.
bool is_rpc_device(ggml_backend_dev_t dev);

// The rpc-server ("host:port") that device dev is on, or "" if none.
std::string rpc_server_of(ggml_backend_dev_t dev);

// For a device of an rpc-server, its memory when a model last reached the server, without asking it again (a lost
// server would make a listing wait), and the server's endpoint; false for other devices. Any pointer may be NULL.
bool rpc_device_memory(ggml_backend_dev_t dev, size_t * free, size_t * total, std::string * endpoint);

// ---------------------------------------------------------------------------------------------------------------
// GGUF (gguf_check.cpp).

struct gguf_free_deleter {
    void operator()(gguf_context * ctx) const { gguf_free(ctx); }
};

using gguf_ptr = std::unique_ptr<gguf_context, gguf_free_deleter>;

// Bytes of one GGUF scalar value; 0 for strings and arrays.
size_t gguf_scalar_size(enum gguf_type type);

// Opens path's GGUF metadata (no tensor data) and checks everything llama.cpp's loader would assert on or
// divide by, so that a bad file fails with a message instead of aborting the process.
gguf_ptr gguf_check(const char * path);

// The hyper-parameters llama.cpp reads (gguf_hparams.cpp): ranges, types, what they imply together.
void gguf_check_hparams(const gguf_context * meta);

// The vocabulary keys against token_embd.weight; after the tensors are checked.
void gguf_check_vocab(const gguf_context * meta);

// Per layer, the width of a K (and V) row in the KV cache, llama.cpp's n_embd_k_gqa: head dimension times
// KV heads. For metadata gguf_check accepted.
std::vector<int64_t> gguf_kv_widths(const gguf_context * meta);

}  // namespace jpeglm

// ---------------------------------------------------------------------------------------------------------------
// Handles (the opaque types of jpeglm.h).

struct jpeglm_model {
    llama_model *    model = nullptr;
    jpeglm::gguf_ptr meta;  // metadata and tensor infos (no data): the trainer checks tensor types
    int32_t          n_vocab   = 0;
    bool             in_memory = false;  // loaded without mmap: weights are writable (training)
    // Sessions and trainers whose llama context references the model: it cannot be freed before them.
    std::atomic<int32_t> n_contexts{0};
    // The rpc-servers holding some of its layers (jpeglm_model_load_rpc): a lost one fails every later call.
    std::vector<jpeglm::rpc_use> rpc;

    ~jpeglm_model();
};

struct jpeglm_sequence {
    llama_sampler *      sampler    = nullptr;
    int32_t              length     = 0;  // tokens in the KV cache
    bool                 has_logits = false;
    std::vector<float>   logits;               // n_vocab
    std::vector<uint8_t> mask;                 // empty: no mask
    bool                 overwritten = false;  // logits replaced by the decode call in progress
};

namespace jpeglm {

// What a decode call changes in one sequence, to undo it if the call fails.
struct seq_undo {
    int32_t seq;
    int32_t length;      // its length before the call
    bool    had_logits;  // whether it had logits before the call
    bool    backed_up;   // whether its old logits are in the session's backup
};

}  // namespace jpeglm

struct jpeglm_session {
    jpeglm_model *  model   = nullptr;
    llama_context * ctx     = nullptr;
    int32_t         n_ctx   = 0;  // per sequence
    int32_t         n_seq   = 0;
    int32_t         n_batch = 0;
    int32_t         n_vocab = 0;
    llama_batch     batch{};

    // What a saved state's llama.cpp part must match (session_state.cpp checks it before llama.cpp reads it).
    uint32_t             n_stream = 1;              // KV streams: 1 when unified, else n_seq
    ggml_type            type_k   = GGML_TYPE_F16;  // KV cache types
    ggml_type            type_v   = GGML_TYPE_F16;
    int32_t              v_trans  = -1;  // V stored transposed (no flash attention); -1: llama.cpp decides
    std::vector<int64_t> kv_widths;      // per layer: K and V row width (n_embd_k_gqa)

    std::vector<jpeglm_sequence> seqs;
    std::atomic<int32_t>         cancelled{0};

    // Scratch of one decode or sample call, sized when the session is created so that the per-token path
    // allocates nothing.
    std::vector<llama_token_data>   candidates;  // n_vocab
    std::vector<int32_t>            last_index;  // per sequence: index in the call of its last token, or -1
    std::vector<int32_t>            n_added;     // per sequence: tokens the call appends to it
    std::vector<int32_t>            listed_at;   // per sequence: index in a sample call that names it, or -1
    std::vector<jpeglm::seq_undo>   undo;        // one per sequence the call appends to
    std::vector<std::vector<float>> backup;      // per sequence: logits to restore if a multi-batch decode fails

    // Declared last: destroyed after the destructor's body has freed the context that uses its pools.
    jpeglm::session_threads threads;

    ~jpeglm_session();
};

namespace jpeglm {

// Frees a llama context made on model (a session's or a trainer's) and gives back the model's count of them.
inline void release_context(llama_context * ctx, jpeglm_model * model) {
    if (ctx) {
        llama_free(ctx);
    }
    if (model) {
        model->n_contexts.fetch_sub(1);
    }
}

inline const jpeglm_model & model_ref(const jpeglm_model * model) {
    require(model != nullptr, "model is NULL");
    return *model;
}

inline jpeglm_session & session_ref(jpeglm_session * session) {
    require(session != nullptr, "session is NULL");
    return *session;
}

inline const jpeglm_session & session_ref(const jpeglm_session * session) {
    require(session != nullptr, "session is NULL");
    return *session;
}

inline void require_seq(const jpeglm_session & s, int32_t seq) {
    if (seq < 0 || seq >= s.n_seq) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "sequence %d is out of range [0, %d)", seq, s.n_seq);
    }
}

}  // namespace jpeglm

#endif  // JPEGLM_INTERNAL_H
