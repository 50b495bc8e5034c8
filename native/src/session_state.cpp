// session_state.cpp — saving one sequence's state (KV cache, length, logits) and loading it into another.

#include "internal.h"

#include <cstring>

using namespace jpeglm;

namespace {

// The layout of a saved sequence state: this header, the logits (if any), then llama.cpp's sequence state.
struct state_header {
    char     magic[4];  // kStateMagic
    uint32_t version;   // kStateVersion
    int32_t  n_vocab;
    int32_t  length;
    int32_t  has_logits;
    uint32_t reserved;
    uint64_t llama_bytes;
};

constexpr char     kStateMagic[4] = {'J', 'L', 'M', 'S'};
constexpr uint32_t kStateVersion  = 1;

// Checks a saved state's header against the session it is loaded into; returns the bytes of its logits.
size_t check_state_header(const jpeglm_session & s, const state_header & h, size_t size) {
    if (std::memcmp(h.magic, kStateMagic, sizeof kStateMagic) != 0 || h.version != kStateVersion) {
        fail(JPEGLM_ERR_FORMAT, "not a jpeglm sequence state (bad magic or version)");
    }
    if (h.n_vocab != s.n_vocab) {
        fail(JPEGLM_ERR_FORMAT, "state was saved with a vocabulary of %d, this session has %d", h.n_vocab, s.n_vocab);
    }
    if (h.length < 0 || h.length > s.n_ctx) {
        fail(JPEGLM_ERR_FORMAT, "state holds %d tokens, the context length is %d", h.length, s.n_ctx);
    }
    const size_t logits_bytes = h.has_logits ? sizeof(float) * s.n_vocab : 0;
    if (h.llama_bytes > size || sizeof h + logits_bytes + h.llama_bytes != size) {
        fail(JPEGLM_ERR_FORMAT, "state size %zu does not match its header", size);
    }
    return logits_bytes;
}

// Replaces seq's KV cache with llama.cpp's saved state of length tokens; on failure seq is left empty.
void load_llama_state(jpeglm_session & s, int32_t seq, const uint8_t * src, size_t size, int32_t length) {
    llama_memory_t mem = llama_get_memory(s.ctx);
    llama_memory_seq_rm(mem, seq, -1, -1);
    {
        error_capture capture;
        const size_t  n_read = llama_state_seq_set_data(s.ctx, src, size, seq);
        if (n_read == 0) {
            llama_memory_seq_rm(mem, seq, -1, -1);
            fail(JPEGLM_ERR_FORMAT, "llama.cpp rejected the saved state: %s",
                 capture.text_or("unknown reason").c_str());
        }
    }
    const llama_pos max_pos = llama_memory_seq_pos_max(mem, seq);
    if (max_pos + 1 != length) {
        llama_memory_seq_rm(mem, seq, -1, -1);
        fail(JPEGLM_ERR_FORMAT, "state says %d tokens but holds %d", length, max_pos + 1);
    }
}

}  // namespace

extern "C" {

int64_t jpeglm_session_state_size(jpeglm_session * session, int32_t seq) {
    return guarded_value<int64_t>(-1, [&] {
        jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        const size_t logits_bytes = s.seqs[seq].has_logits ? sizeof(float) * s.n_vocab : 0;
        return (int64_t) (sizeof(state_header) + logits_bytes + llama_state_seq_get_size(s.ctx, seq));
    });
}

int32_t jpeglm_session_state_save(jpeglm_session * session, int32_t seq, uint8_t * dst, size_t size,
                                  size_t * out_written) {
    return guarded([&] {
        jpeglm_session & s = session_ref(session);
        require_seq(s, seq);
        require(dst != nullptr && out_written != nullptr, "dst or out_written is NULL");
        *out_written                         = 0;
        const jpeglm_sequence & sq           = s.seqs[seq];
        const size_t            logits_bytes = sq.has_logits ? sizeof(float) * s.n_vocab : 0;
        const size_t            llama_bytes  = llama_state_seq_get_size(s.ctx, seq);
        const size_t            need         = sizeof(state_header) + logits_bytes + llama_bytes;
        if (size < need) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "state buffer has %zu bytes, %zu needed", size, need);
        }
        state_header h{};
        std::memcpy(h.magic, kStateMagic, sizeof kStateMagic);
        h.version     = kStateVersion;
        h.n_vocab     = s.n_vocab;
        h.length      = sq.length;
        h.has_logits  = sq.has_logits ? 1 : 0;
        h.llama_bytes = llama_bytes;
        std::memcpy(dst, &h, sizeof h);
        if (logits_bytes) {
            std::memcpy(dst + sizeof h, sq.logits.data(), logits_bytes);
        }
        const size_t n_written = llama_state_seq_get_data(s.ctx, dst + sizeof h + logits_bytes, llama_bytes, seq);
        if (n_written != llama_bytes) {
            fail(JPEGLM_ERR_INTERNAL, "llama.cpp wrote %zu state bytes, %zu expected", n_written, llama_bytes);
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
        if (size < sizeof h) {
            fail(JPEGLM_ERR_FORMAT, "state is %zu bytes, shorter than its header", size);
        }
        std::memcpy(&h, src, sizeof h);
        const size_t      logits_bytes = check_state_header(s, h, size);
        jpeglm_sequence & sq           = s.seqs[seq];
        sq.length                      = 0;
        sq.has_logits                  = false;
        load_llama_state(s, seq, src + sizeof h + logits_bytes, h.llama_bytes, h.length);
        sq.length = h.length;
        if (logits_bytes) {
            std::memcpy(sq.logits.data(), src + sizeof h, logits_bytes);
            sq.has_logits = true;
        }
    });
}

}  // extern "C"
