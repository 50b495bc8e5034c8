// session.cpp — creating a session and setting up its sequences: samplers, masks, lengths, cancellation.
// Decoding and sampling are in session_decode.cpp, saving and loading sequence state in session_state.cpp.

#include "internal.h"

#include "ggml-backend.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <new>

jpeglm_session::~jpeglm_session() {
    for (auto & seq : seqs) {
        if (seq.sampler) {
            llama_sampler_free(seq.sampler);
        }
    }
    if (batch.token) {
        llama_batch_free(batch);
    }
    jpeglm::release_context(ctx, model);
}

using namespace jpeglm;

namespace {

constexpr int32_t kDefaultBatch = 512;  // tokens per llama_decode when the caller passes 0 (see jpeglm.h)

constexpr uint32_t kSessionFlags = JPEGLM_SESSION_KV_UNIFIED | JPEGLM_SESSION_FLASH_ATTN_ON |
                                   JPEGLM_SESSION_FLASH_ATTN_OFF | JPEGLM_SESSION_KV_F32 | JPEGLM_SESSION_KV_Q8_0;

// A 64-bit seed folded to the 32 bits llama.cpp's dist sampler takes, never its "random seed" value.
uint32_t sampler_seed(uint64_t seed) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z          = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z          = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    const uint32_t folded = (uint32_t) (z ^ (z >> 32));
    return folded == LLAMA_DEFAULT_SEED ? 0x5EED5EEDu : folded;
}

llama_sampler * make_sampler(float temperature, int32_t top_k, float top_p, float min_p, uint64_t seed) {
    if (std::isnan(temperature) || std::isnan(top_p) || std::isnan(min_p)) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "sampling parameters must not be NaN");
    }
    if (top_p <= 0.0f || min_p > 1.0f) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "top_p must be in (0, 1] and min_p in [0, 1] (top_p=%g, min_p=%g)", top_p,
             min_p);
    }
    llama_sampler * chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
    if (chain == nullptr) {
        throw std::bad_alloc();
    }
    if (temperature <= 0.0f) {
        llama_sampler_chain_add(chain, llama_sampler_init_greedy());
        return chain;
    }
    if (top_k > 0) {
        llama_sampler_chain_add(chain, llama_sampler_init_top_k(top_k));
    }
    if (top_p < 1.0f) {
        llama_sampler_chain_add(chain, llama_sampler_init_top_p(top_p, 1));
    }
    if (min_p > 0.0f) {
        llama_sampler_chain_add(chain, llama_sampler_init_min_p(min_p, 1));
    }
    llama_sampler_chain_add(chain, llama_sampler_init_temp(temperature));
    llama_sampler_chain_add(chain, llama_sampler_init_dist(sampler_seed(seed)));
    return chain;
}

void check_create_args(int32_t n_ctx, int32_t n_seq, int32_t n_batch, int32_t n_threads, uint32_t flags) {
    const int32_t max_seq = (int32_t) llama_max_parallel_sequences();
    if (n_ctx < 1) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_ctx must be positive (got %d)", n_ctx);
    }
    if (n_seq < 1 || n_seq > max_seq) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_seq must be in [1, %d] (got %d)", max_seq, n_seq);
    }
    if (n_batch < 0) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_batch must not be negative (got %d)", n_batch);
    }
    if (n_threads < 0 || n_threads > GGML_MAX_N_THREADS) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_threads must be 0 (automatic) to %d (got %d)", GGML_MAX_N_THREADS,
             n_threads);
    }
    require((flags & ~kSessionFlags) == 0, "unknown session flags");
    require(!((flags & JPEGLM_SESSION_FLASH_ATTN_ON) && (flags & JPEGLM_SESSION_FLASH_ATTN_OFF)),
            "flash attention cannot be both on and off");
    require(!((flags & JPEGLM_SESSION_KV_F32) && (flags & JPEGLM_SESSION_KV_Q8_0)),
            "the KV cache cannot be both F32 and Q8_0");
    // llama.cpp reads a quantized V cache only inside flash attention.
    require(!((flags & JPEGLM_SESSION_KV_Q8_0) && (flags & JPEGLM_SESSION_FLASH_ATTN_OFF)),
            "a Q8_0 KV cache needs flash attention (not JPEGLM_SESSION_FLASH_ATTN_OFF)");
}

llama_context_params context_params(int32_t n_tokens, int32_t n_seq, int32_t n_batch, int32_t n_threads,
                                    uint32_t flags) {
    llama_context_params params = llama_context_default_params();
    // One micro-batch is never larger than llama.cpp's default.
    params.n_ubatch  = std::min((uint32_t) n_batch, params.n_ubatch);
    params.n_ctx     = (uint32_t) n_tokens;
    params.n_batch   = (uint32_t) n_batch;
    params.n_seq_max = (uint32_t) n_seq;
    // The session sets the counts before each decode (session_threads); llama.cpp's own default until then.
    params.n_threads       = n_threads > 0 ? n_threads : params.n_threads;
    params.n_threads_batch = n_threads > 0 ? n_threads : params.n_threads_batch;
    params.kv_unified      = (flags & JPEGLM_SESSION_KV_UNIFIED) != 0;
    params.flash_attn_type = (flags & JPEGLM_SESSION_FLASH_ATTN_ON)    ? LLAMA_FLASH_ATTN_TYPE_ENABLED
                             : (flags & JPEGLM_SESSION_FLASH_ATTN_OFF) ? LLAMA_FLASH_ATTN_TYPE_DISABLED
                                                                       : LLAMA_FLASH_ATTN_TYPE_AUTO;
    if (flags & JPEGLM_SESSION_KV_F32) {
        params.type_k = GGML_TYPE_F32;
        params.type_v = GGML_TYPE_F32;
    }
    if (flags & JPEGLM_SESSION_KV_Q8_0) {
        params.type_k = GGML_TYPE_Q8_0;
        params.type_v = GGML_TYPE_Q8_0;
    }
    params.no_perf = true;
    // Stops a decode when cancelled, or when a thread count the session tries runs past its time (session_threads).
    params.abort_callback = [](void * session) {
        const jpeglm_session * s = (const jpeglm_session *) session;
        return s->cancelled.load() != 0 || s->threads.past_deadline();
    };
    return params;
}

// Bytes of memory this process may still use: the kernel's MemAvailable (free plus reclaimable cache), falling
// back to the physical memory size.
uint64_t available_host_memory() {
    if (FILE * f = fopen("/proc/meminfo", "r")) {
        char               line[256];
        unsigned long long kib = 0;
        while (fgets(line, sizeof line, f) != nullptr) {
            if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1) {
                break;
            }
        }
        fclose(f);
        if (kib > 0) {
            return (uint64_t) kib * 1024;
        }
    }
    return (uint64_t) sysconf(_SC_PHYS_PAGES) * (uint64_t) sysconf(_SC_PAGESIZE);
}

// Free memory of the devices that may hold the cache: the host's and every GPU's.
uint64_t available_cache_memory() {
    uint64_t total = available_host_memory();
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        if (ggml_backend_dev_type(dev) != GGML_BACKEND_DEVICE_TYPE_CPU) {
            size_t free = 0, all = 0;
            ggml_backend_dev_memory(dev, &free, &all);
            total += free;
        }
    }
    return total;
}

// llama.cpp allocates and clears the whole KV cache when the context is made: a cache larger than the memory at
// hand would not fail cleanly but get the process killed by the kernel, so it is refused first.
void check_cache_fits(const jpeglm_model & model, int64_t n_tokens, uint32_t flags) {
    const ggml_type type  = (flags & JPEGLM_SESSION_KV_F32)    ? GGML_TYPE_F32
                            : (flags & JPEGLM_SESSION_KV_Q8_0) ? GGML_TYPE_Q8_0
                                                               : GGML_TYPE_F16;
    uint64_t        width = 0;
    for (int64_t w : gguf_kv_widths(model.meta.get())) {
        if (w % ggml_blck_size(type) != 0) {
            fail(JPEGLM_ERR_UNSUPPORTED, "a %s KV cache needs rows of a multiple of %lld values; this model's are %lld",
                 ggml_type_name(type), (long long) ggml_blck_size(type), (long long) w);
        }
        width += 2 * (uint64_t) ggml_row_size(type, w);  // K and V, bytes per token
    }
    const uint64_t need  = (uint64_t) n_tokens * width;
    const uint64_t avail = available_cache_memory();
    if (need > avail) {
        fail(JPEGLM_ERR_OUT_OF_MEMORY,
             "a context of %lld tokens needs %.2f GiB of KV cache, more than the %.2f GiB of memory available: "
             "use fewer tokens per sequence or fewer sequences",
             (long long) n_tokens, need / 1073741824.0, avail / 1073741824.0);
    }
}

// Sizes the sequences and the per-call scratch buffers once, so that decoding allocates nothing per token.
void init_sequences(jpeglm_session & s) {
    s.seqs.resize(s.n_seq);
    for (auto & seq : s.seqs) {
        seq.logits.assign(s.n_vocab, 0.0f);
        seq.sampler = make_sampler(0.0f, 0, 1.0f, 0.0f, 0);
    }
    s.candidates.resize(s.n_vocab);
    s.last_index.resize(s.n_seq);
    s.n_added.resize(s.n_seq);
    s.listed_at.resize(s.n_seq);
    s.undo.reserve(s.n_seq);
    s.backup.resize(s.n_seq);
}

}  // namespace

extern "C" {

int32_t jpeglm_session_create(jpeglm_model * model, int32_t n_ctx, int32_t n_seq, int32_t n_batch, int32_t n_threads,
                              uint32_t flags, jpeglm_session ** out_session) {
    return guarded([&] {
        require(out_session != nullptr, "out_session is NULL");
        *out_session = nullptr;
        require(model != nullptr, "model is NULL");
        rpc_check(model->rpc);
        check_create_args(n_ctx, n_seq, n_batch, n_threads, flags);
        const int64_t n_tokens = (int64_t) n_ctx * n_seq;
        if (n_tokens > INT32_MAX / 2) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_ctx * n_seq = %lld tokens is too large", (long long) n_tokens);
        }
        if (n_batch == 0) {
            n_batch = kDefaultBatch;
        }
        check_cache_fits(*model, n_tokens, flags);

        auto                 s      = std::make_unique<jpeglm_session>();
        llama_context_params params = context_params((int32_t) n_tokens, n_seq, n_batch, n_threads, flags);
        params.abort_callback_data  = s.get();
        {
            error_capture capture;
            s->ctx = llama_init_from_model(model->model, params);
            if (s->ctx == nullptr) {
                // With a Q8_0 cache llama.cpp also refuses heads whose size is not a multiple of its blocks.
                fail((flags & JPEGLM_SESSION_KV_Q8_0) ? JPEGLM_ERR_UNSUPPORTED : JPEGLM_ERR_OUT_OF_MEMORY,
                     "cannot create a context of %lld tokens: %s", (long long) n_tokens,
                     capture.text_or("llama.cpp refused it").c_str());
            }
        }
        // The context now references the model: count it before anything else can fail.
        s->model = model;
        model->n_contexts.fetch_add(1);
        rpc_check(model->rpc);  // the cache on a server lost meanwhile is not there
        s->n_ctx   = n_ctx;
        s->n_seq   = n_seq;
        s->n_batch = n_batch;
        s->n_vocab = model->n_vocab;
        // The dimensions a saved state must match; flash attention decides whether V is transposed.
        s->n_stream  = params.kv_unified ? 1 : (uint32_t) n_seq;
        s->type_k    = params.type_k;
        s->type_v    = params.type_v;
        s->v_trans   = params.flash_attn_type == LLAMA_FLASH_ATTN_TYPE_AUTO       ? -1
                       : params.flash_attn_type == LLAMA_FLASH_ATTN_TYPE_DISABLED ? 1
                                                                                  : 0;
        s->kv_widths = gguf_kv_widths(model->meta.get());
        s->batch     = llama_batch_init(n_batch, 0, 1);
        init_sequences(*s);
        s->threads.init(llama_model_n_params(model->model), n_seq, n_batch);
        s->threads.configure(n_threads, n_threads);
        log_message(JPEGLM_LOG_INFO, "session threads: " + s->threads.describe());
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
    return guarded([&] { session_ref(session).threads.configure(n_threads, n_threads_batch); });
}

int32_t jpeglm_session_set_poll(jpeglm_session * session, int32_t poll) {
    return guarded([&] { session_ref(session).threads.set_poll(poll); });
}

int32_t jpeglm_session_set_cpu_mask(jpeglm_session * session, const char * mask) {
    return guarded([&] { session_ref(session).threads.set_cpu_mask(mask); });
}

int32_t jpeglm_session_set_cpu_reserve(jpeglm_session * session, int32_t n_cpus) {
    return guarded([&] { session_ref(session).threads.set_reserve(n_cpus); });
}

int32_t jpeglm_session_threads(const jpeglm_session * session, int32_t * out_n_threads, int32_t * out_n_threads_batch,
                               char * why, size_t why_size) {
    return guarded([&] {
        const jpeglm_session & s = session_ref(session);
        require(out_n_threads != nullptr && out_n_threads_batch != nullptr,
                "out_n_threads or out_n_threads_batch is NULL");
        require(why != nullptr || why_size == 0, "why is NULL with a non-zero size");
        *out_n_threads       = s.threads.current(false);
        *out_n_threads_batch = s.threads.current(true);
        copy_text(s.threads.describe().c_str(), why, why_size);
    });
}

int32_t jpeglm_session_set_sampler(jpeglm_session * session, int32_t seq, float temperature, int32_t top_k, float top_p,
                                   float min_p, uint64_t seed) {
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
        if (seq >= 0) {
            require_seq(s, seq);
        }
        require(n_keep >= 0, "n_keep is negative");
        llama_memory_t mem   = llama_get_memory(s.ctx);
        const int32_t  first = seq < 0 ? 0 : seq;
        const int32_t  end   = seq < 0 ? s.n_seq : seq + 1;
        for (int32_t id = first; id < end; id++) {
            jpeglm_sequence & sq = s.seqs[id];
            if (n_keep >= sq.length) {
                continue;
            }
            if (!llama_memory_seq_rm(mem, id, n_keep, -1)) {
                fail(JPEGLM_ERR_INTERNAL, "llama.cpp could not remove positions %d.. of sequence %d", n_keep, id);
            }
            sq.length     = n_keep;
            sq.has_logits = false;
        }
    });
}

void jpeglm_session_cancel(jpeglm_session * session, int32_t cancelled) {
    if (session != nullptr) {
        session->cancelled.store(cancelled != 0 ? 1 : 0);
    }
}

}  // extern "C"
