// session_state.cpp — saving one sequence's state (KV cache, length, logits) and loading it into another.
//
// A saved state is checked whole before llama.cpp reads any of it: a checksum catches a changed byte, and a walk
// of llama.cpp's part against this session's own dimensions catches a hostile blob with a correct checksum
// (llama.cpp sizes allocations from counts in the blob; one changed cell count made it allocate without bound).

#include "internal.h"

#include <cmath>
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
    uint32_t reserved;  // 0
    uint64_t llama_bytes;
    uint64_t checksum;  // state_checksum of the whole state, this field taken as 0
};

constexpr char     kStateMagic[4] = {'J', 'L', 'M', 'S'};
constexpr uint32_t kStateVersion  = 2;
constexpr uint32_t kLlamaMagic    = 0xaf143cd8;  // llama.cpp's io_magic (src/llama-context.cpp)

// FNV-1a over 64-bit little-endian words (then the tail bytes): a changed word always changes the result, since
// each step is a bijection of the running hash. It detects corruption; it is no defence against a forger, which
// is what check_llama_part is for.
class fnv1a64 {
  public:
    void add(const uint8_t * p, size_t n) {
        for (; n >= 8; p += 8, n -= 8) {
            uint64_t word;
            std::memcpy(&word, p, 8);
            h_ = (h_ ^ word) * kPrime;
        }
        for (; n > 0; p++, n--) {
            h_ = (h_ ^ *p) * kPrime;
        }
    }

    uint64_t value() const { return h_; }

  private:
    static constexpr uint64_t kPrime = 0x100000001b3ull;
    uint64_t                  h_     = 0xcbf29ce484222325ull;
};

uint64_t state_checksum(const state_header & header, const uint8_t * body, size_t body_size) {
    state_header h = header;
    h.checksum     = 0;
    fnv1a64 hash;
    hash.add((const uint8_t *) &h, sizeof h);
    hash.add(body, body_size);
    return hash.value();
}

// Checks a saved state's header against the session it is loaded into; returns the bytes of its logits.
size_t check_state_header(const jpeglm_session & s, const state_header & h, const uint8_t * src, size_t size) {
    if (std::memcmp(h.magic, kStateMagic, sizeof kStateMagic) != 0) {
        fail(JPEGLM_ERR_FORMAT, "not a jpeglm sequence state (bad magic)");
    }
    if (h.version != kStateVersion) {
        fail(JPEGLM_ERR_FORMAT, "state format version %u is not supported (this library reads version %u)%s", h.version,
             kStateVersion, h.version == 1 ? ": save it again" : "");
    }
    if (state_checksum(h, src + sizeof h, size - sizeof h) != h.checksum) {
        fail(JPEGLM_ERR_FORMAT, "state checksum mismatch: the state is corrupt");
    }
    if (h.n_vocab != s.n_vocab) {
        fail(JPEGLM_ERR_FORMAT, "state was saved with a vocabulary of %d, this session has %d", h.n_vocab, s.n_vocab);
    }
    if (h.length < 0 || h.length > s.n_ctx) {
        fail(JPEGLM_ERR_FORMAT, "state holds %d tokens, the context length is %d", h.length, s.n_ctx);
    }
    if (h.has_logits != 0 && h.has_logits != 1) {
        fail(JPEGLM_ERR_FORMAT, "state header field has_logits is %d, not 0 or 1", h.has_logits);
    }
    if (h.has_logits && h.length == 0) {
        fail(JPEGLM_ERR_FORMAT, "state has logits but no tokens");
    }
    if (h.reserved != 0) {
        fail(JPEGLM_ERR_FORMAT, "state header field reserved is %u, not 0", h.reserved);
    }
    const size_t logits_bytes = h.has_logits ? sizeof(float) * s.n_vocab : 0;
    if (h.llama_bytes > size || sizeof h + logits_bytes + h.llama_bytes != size) {
        fail(JPEGLM_ERR_FORMAT, "state size %zu does not match its header", size);
    }
    return logits_bytes;
}

void check_logits(const uint8_t * src, int32_t n_vocab) {
    for (int32_t i = 0; i < n_vocab; i++) {
        float v;
        std::memcpy(&v, src + sizeof(float) * i, sizeof v);
        if (std::isnan(v)) {
            fail(JPEGLM_ERR_FORMAT, "state logits hold NaN (token %d)", i);
        }
    }
}

// Reads llama.cpp's part of a state, failing on a field that runs past its end.
class state_reader {
  public:
    state_reader(const uint8_t * p, size_t size) : p_(p), left_(size) {}

    template <typename T> T next(const char * field) {
        need(sizeof(T), field);
        T v;
        std::memcpy(&v, p_, sizeof v);
        advance(sizeof v);
        return v;
    }

    // Skips count rows of row_bytes each.
    void skip_rows(uint64_t count, uint64_t row_bytes, const char * field) {
        if (row_bytes != 0 && count > left_ / row_bytes) {
            fail(JPEGLM_ERR_FORMAT, "state field %s runs past the end of the state", field);
        }
        advance(count * row_bytes);
    }

    size_t left() const { return left_; }

  private:
    void need(size_t n, const char * field) const {
        if (n > left_) {
            fail(JPEGLM_ERR_FORMAT, "state ends inside field %s", field);
        }
    }

    void advance(size_t n) {
        p_ += n;
        left_ -= n;
    }

    const uint8_t * p_;
    size_t          left_;
};

template <typename T> void expect(T got, T want, const char * field, int64_t layer = -1) {
    if (got != want) {
        const std::string where = layer < 0 ? "" : " (layer " + std::to_string(layer) + ")";
        fail(JPEGLM_ERR_FORMAT, "state field %s%s is %lld, this session needs %lld", field, where.c_str(),
             (long long) got, (long long) want);
    }
}

// The cells of one stream (llama_kv_cache::state_write_meta): each position of 0..length-1 exactly once, one
// sequence per cell.
void check_cells(state_reader & in, uint32_t cell_count, int32_t length) {
    std::vector<bool> seen((size_t) length, false);
    const int32_t     max_seq = (int32_t) llama_max_parallel_sequences();
    for (uint32_t i = 0; i < cell_count; i++) {
        const int32_t pos = in.next<int32_t>("cell pos");
        if (pos < 0 || pos >= length || seen[pos]) {
            fail(JPEGLM_ERR_FORMAT, "state field cell pos is %d at cell %u: not a new position in [0, %d)", pos, i,
                 length);
        }
        seen[pos] = true;
        expect(in.next<uint32_t>("cell n_seq_id"), 1u, "cell n_seq_id");
        const int32_t seq = in.next<int32_t>("cell seq_id");
        if (seq < 0 || seq >= max_seq) {
            fail(JPEGLM_ERR_FORMAT, "state field cell seq_id is %d, not in [0, %d)", seq, max_seq);
        }
    }
}

// One layer's K or (untransposed) V rows (llama_kv_cache::state_write_data).
void check_rows(state_reader & in, const jpeglm_session & s, ggml_type type, uint32_t cell_count, size_t layer,
                const char * type_field, const char * row_field) {
    expect(in.next<int32_t>(type_field), (int32_t) type, type_field, (int64_t) layer);
    const uint64_t row = ggml_row_size(type, s.kv_widths[layer]);
    expect(in.next<uint64_t>(row_field), row, row_field, (int64_t) layer);
    in.skip_rows(cell_count, row, row_field);
}

// One layer's transposed V: per element of a row, that element of every cell.
void check_transposed_v(state_reader & in, const jpeglm_session & s, uint32_t cell_count, size_t layer) {
    expect(in.next<int32_t>("v_type"), (int32_t) s.type_v, "v_type", (int64_t) layer);
    const uint32_t element = (uint32_t) ggml_type_size(s.type_v);
    expect(in.next<uint32_t>("v_size_el"), element, "v_size_el", (int64_t) layer);
    const uint32_t width = (uint32_t) s.kv_widths[layer];
    expect(in.next<uint32_t>("n_embd_v_gqa"), width, "n_embd_v_gqa", (int64_t) layer);
    in.skip_rows((uint64_t) width * cell_count, element, "v data");
}

void check_layers(state_reader & in, const jpeglm_session & s, uint32_t cell_count) {
    const uint32_t v_trans = in.next<uint32_t>("v_trans");
    if (v_trans > 1 || (s.v_trans >= 0 && v_trans != (uint32_t) s.v_trans)) {
        fail(JPEGLM_ERR_FORMAT, "state field v_trans is %u, this session needs %d (saved with other flash attention?)",
             v_trans, s.v_trans < 0 ? 0 : s.v_trans);
    }
    expect(in.next<uint32_t>("n_layer"), (uint32_t) s.kv_widths.size(), "n_layer");
    for (size_t il = 0; il < s.kv_widths.size(); il++) {
        check_rows(in, s, s.type_k, cell_count, il, "k_type", "k_size_row");
    }
    for (size_t il = 0; il < s.kv_widths.size(); il++) {
        if (v_trans) {
            check_transposed_v(in, s, cell_count, il);
        } else {
            check_rows(in, s, s.type_v, cell_count, il, "v_type", "v_size_row");
        }
    }
}

// Walks llama.cpp's part (llama_context::state_seq_get_data, llama_kv_cache::state_write) against the session's
// own dimensions: every count bounded, every size what this session would write, nothing left over.
void check_llama_part(const jpeglm_session & s, const uint8_t * src, size_t size, int32_t length) {
    state_reader in(src, size);
    expect(in.next<uint32_t>("llama magic"), kLlamaMagic, "llama magic");
    const int32_t seq = in.next<int32_t>("seq_id");
    if (seq < 0 || seq >= (int32_t) llama_max_parallel_sequences()) {
        fail(JPEGLM_ERR_FORMAT, "state field seq_id is %d, not a sequence id", seq);
    }
    expect(in.next<uint32_t>("n_stream"), s.n_stream, "n_stream");
    uint64_t total = 0;
    for (uint32_t stream = 0; stream < s.n_stream; stream++) {
        const uint32_t cell_count = in.next<uint32_t>("cell_count");
        if (cell_count == 0) {
            continue;
        }
        if (total != 0 || cell_count != (uint32_t) length) {
            fail(JPEGLM_ERR_FORMAT, "state field cell_count is %u, the state holds %d tokens", cell_count, length);
        }
        total = cell_count;
        check_cells(in, cell_count, length);
        check_layers(in, s, cell_count);
    }
    if (total != (uint64_t) length) {
        fail(JPEGLM_ERR_FORMAT, "state holds %llu KV cells for %d tokens", (unsigned long long) total, length);
    }
    if (in.left() != 0) {
        fail(JPEGLM_ERR_FORMAT, "state has %zu bytes after llama.cpp's part", in.left());
    }
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
        h.version      = kStateVersion;
        h.n_vocab      = s.n_vocab;
        h.length       = sq.length;
        h.has_logits   = sq.has_logits ? 1 : 0;
        h.llama_bytes  = llama_bytes;
        uint8_t * body = dst + sizeof h;
        if (logits_bytes) {
            std::memcpy(body, sq.logits.data(), logits_bytes);
        }
        const size_t n_written = llama_state_seq_get_data(s.ctx, body + logits_bytes, llama_bytes, seq);
        rpc_check(s.model->rpc);  // the cache read from a lost rpc-server is zeros
        if (n_written != llama_bytes) {
            fail(JPEGLM_ERR_INTERNAL, "llama.cpp wrote %zu state bytes, %zu expected", n_written, llama_bytes);
        }
        h.checksum = state_checksum(h, body, logits_bytes + llama_bytes);
        std::memcpy(dst, &h, sizeof h);
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
        const size_t    logits_bytes = check_state_header(s, h, src, size);
        const uint8_t * llama_part   = src + sizeof h + logits_bytes;
        if (logits_bytes) {
            check_logits(src + sizeof h, s.n_vocab);
        }
        check_llama_part(s, llama_part, h.llama_bytes, h.length);
        jpeglm_sequence & sq = s.seqs[seq];
        sq.length            = 0;
        sq.has_logits        = false;
        load_llama_state(s, seq, llama_part, h.llama_bytes, h.length);
        rpc_check(s.model->rpc);
        sq.length = h.length;
        if (logits_bytes) {
            std::memcpy(sq.logits.data(), src + sizeof h, logits_bytes);
            sq.has_logits = true;
        }
    });
}

}  // extern "C"
