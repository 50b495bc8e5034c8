// session_decode.cpp — the per-token path: decoding tokens into sequences, scoring them, sampling the next ones.
// Nothing here allocates: every buffer is the session's, sized when it was created.

#include "internal.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

using namespace jpeglm;

namespace {

// llama_decode's results other than 0 (success) that jpeglm tells apart (see llama.h).
constexpr int32_t kDecodeNoKvSlot = 1;  // no room in the KV cache for the batch
constexpr int32_t kDecodeAborted  = 2;  // the abort callback (jpeglm_session_cancel) stopped it

// Undoes a failed decode: removes the call's positions and gives each sequence back the logits it had, so a
// cancelled or failed step can simply be retried.
void roll_back(jpeglm_session & s) {
    llama_memory_t mem = llama_get_memory(s.ctx);
    for (const seq_undo & u : s.undo) {
        llama_memory_seq_rm(mem, u.seq, u.length, -1);
        jpeglm_sequence & sq = s.seqs[u.seq];
        sq.length            = u.length;
        if (u.backed_up) {
            std::memcpy(sq.logits.data(), s.backup[u.seq].data(), sizeof(float) * s.n_vocab);
        }
        sq.has_logits  = u.had_logits && (u.backed_up || !sq.overwritten);
        sq.overwritten = false;
    }
}

// ln softmax(logits)[token], computed in double.
float log_prob(const float * logits, int32_t n_vocab, int32_t token) {
    float max = -INFINITY;
    for (int32_t t = 0; t < n_vocab; t++) {
        max = std::max(max, logits[t]);
    }
    double sum = 0;
    for (int32_t t = 0; t < n_vocab; t++) {
        sum += std::exp((double) logits[t] - max);
    }
    return (float) ((double) logits[token] - max - std::log(sum));
}

// Checks a decode call before anything changes: sequence and token ids, room in each sequence. Leaves in
// s.last_index each sequence's last token in the call and in s.undo what the call will change.
void prepare_decode(jpeglm_session & s, int32_t n, const int32_t * seqs, const int32_t * tokens) {
    std::fill(s.last_index.begin(), s.last_index.end(), -1);
    std::fill(s.n_added.begin(), s.n_added.end(), 0);
    for (int32_t i = 0; i < n; i++) {
        require_seq(s, seqs[i]);
        if (tokens[i] < 0 || tokens[i] >= s.n_vocab) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "token %d at index %d is out of range [0, %d)", tokens[i], i, s.n_vocab);
        }
        s.last_index[seqs[i]] = i;
        s.n_added[seqs[i]]++;
    }
    s.undo.clear();
    for (int32_t seq = 0; seq < s.n_seq; seq++) {
        if (s.n_added[seq] == 0) {
            continue;
        }
        jpeglm_sequence & sq         = s.seqs[seq];
        const int64_t     new_length = (int64_t) sq.length + s.n_added[seq];
        if (new_length > s.n_ctx) {
            fail(JPEGLM_ERR_CONTEXT_FULL, "sequence %d would hold %lld tokens, more than the context length %d", seq,
                 (long long) new_length, s.n_ctx);
        }
        s.undo.push_back(seq_undo{seq, sq.length, sq.has_logits, false});
        sq.overwritten = false;
    }
    if (s.cancelled.load()) {
        fail(JPEGLM_ERR_CANCELLED, "cancelled");
    }
}

// Whether batch [begin, end) holds every token of the call: then a decode of it that is stopped can simply be run
// again once the call's positions are removed from the KV cache (forget_call).
bool whole_call(const jpeglm_session & s, int32_t begin, int32_t end) {
    int32_t n = 0;
    for (const seq_undo & u : s.undo) {
        n += s.n_added[u.seq];
    }
    return begin == 0 && end == n;
}

// Removes what a stopped decode of the whole call left in the KV cache (llama.cpp removes only the positions of the
// micro-batch it stopped in, not those of the micro-batches before it); the sequences' lengths stay the call's.
void forget_call(jpeglm_session & s) {
    llama_memory_t mem = llama_get_memory(s.ctx);
    for (const seq_undo & u : s.undo) {
        llama_memory_seq_rm(mem, u.seq, u.length, -1);
    }
}

// llama_decode of the session's batch with the thread count session_threads picks, timed for it. may_stop: the
// decode may be stopped at the count's time limit (whole_call).
int32_t timed_decode(jpeglm_session & s, bool may_stop) {
    warning_hold hold(may_stop);  // a stopped decode makes llama.cpp warn that it removes the batch's positions
    s.threads.before_decode(s.ctx, s.batch.n_tokens, may_stop);
    const auto started = std::chrono::steady_clock::now();
    const auto elapsed = [&] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    int32_t rc = 0;
    try {
        rc = llama_decode(s.ctx, s.batch);
    } catch (...) {
        s.threads.after_decode(false, elapsed());  // the caller's CPUs back, whatever llama.cpp threw
        throw;
    }
    s.threads.after_decode(rc == 0, elapsed());
    if (s.threads.stopped()) {
        hold.drop();
    }
    return rc;
}

// Evaluates tokens [begin, end) of the call as one llama.cpp batch; on failure, undoes the whole call.
void run_batch(jpeglm_session & s, int32_t begin, int32_t end, const int32_t * seqs, const int32_t * tokens,
               bool every_position) {
    llama_batch & b = s.batch;
    b.n_tokens      = end - begin;
    for (int32_t i = begin; i < end; i++) {
        const int32_t slot = i - begin;
        const int32_t seq  = seqs[i];
        b.token[slot]      = tokens[i];
        b.pos[slot]        = s.seqs[seq].length++;
        b.n_seq_id[slot]   = 1;
        b.seq_id[slot][0]  = seq;
        b.logits[slot]     = (every_position || s.last_index[seq] == i) ? 1 : 0;
    }
    error_capture capture;
    const bool    retry = whole_call(s, begin, end);
    int32_t       rc    = timed_decode(s, retry);
    if (rc == kDecodeAborted && s.threads.stopped() && !s.cancelled.load()) {
        forget_call(s);
        rc = timed_decode(s, false);  // a thread count tried was too slow: again at the usual one
    }
    if (rc != 0 || rpc_failed(s.model->rpc)) {
        roll_back(s);
        rpc_check(s.model->rpc);  // a lost rpc-server is why, whatever llama.cpp says
        if (rc == kDecodeAborted || s.cancelled.load()) {
            fail(JPEGLM_ERR_CANCELLED, "cancelled");
        }
        if (rc == kDecodeNoKvSlot) {
            fail(JPEGLM_ERR_CONTEXT_FULL, "no room left in the KV cache for the batch");
        }
        const std::string why = capture.text();
        fail(JPEGLM_ERR_COMPUTE, "llama_decode failed (%d)%s%s", rc, why.empty() ? "" : ": ", why.c_str());
    }
}

// Keeps seq's logits to give back should a later batch of the call fail (prompts only: a step is one batch).
void back_up_logits(jpeglm_session & s, int32_t seq) {
    for (seq_undo & u : s.undo) {
        if (u.seq == seq) {
            s.backup[seq].assign(s.seqs[seq].logits.begin(), s.seqs[seq].logits.end());
            u.backed_up = true;
        }
    }
}

// Copies the logits of batch [begin, end) into the sequences (every position's with out_logprobs, which then
// gets ln p(tokens[i] | the sequence before it), NaN where the sequence had no logits yet).
void take_logits(jpeglm_session & s, int32_t begin, int32_t end, int32_t n, const int32_t * seqs,
                 const int32_t * tokens, float * out_logprobs) {
    for (int32_t i = begin; i < end; i++) {
        jpeglm_sequence & sq = s.seqs[seqs[i]];
        if (out_logprobs != nullptr) {
            const bool known = sq.overwritten || sq.has_logits;
            out_logprobs[i] =
                known ? log_prob(sq.logits.data(), s.n_vocab, tokens[i]) : std::numeric_limits<float>::quiet_NaN();
        } else if (s.last_index[seqs[i]] != i) {
            continue;
        }
        const float * logits = llama_get_logits_ith(s.ctx, i - begin);
        if (logits == nullptr) {
            roll_back(s);
            fail(JPEGLM_ERR_INTERNAL, "llama.cpp returned no logits for batch index %d", i - begin);
        }
        if (end < n && sq.has_logits && !sq.overwritten) {
            back_up_logits(s, seqs[i]);
        }
        std::memcpy(sq.logits.data(), logits, sizeof(float) * s.n_vocab);
        sq.overwritten = true;
    }
}

// Appends tokens to their sequences in batches of n_batch. With out_logprobs, every position's logits are
// computed and scored (see take_logits).
void decode_tokens(jpeglm_session & s, int32_t n, const int32_t * seqs, const int32_t * tokens,
                   float * out_logprobs = nullptr) {
    require(n >= 0, "token count is negative");
    if (n == 0) {
        return;
    }
    require(seqs != nullptr && tokens != nullptr, "seqs or tokens is NULL");
    prepare_decode(s, n, seqs, tokens);
    for (int32_t begin = 0; begin < n; begin += s.n_batch) {
        const int32_t end = std::min(n, begin + s.n_batch);
        run_batch(s, begin, end, seqs, tokens, out_logprobs != nullptr);
        take_logits(s, begin, end, n, seqs, tokens, out_logprobs);
    }
    for (const seq_undo & u : s.undo) {
        s.seqs[u.seq].has_logits  = true;
        s.seqs[u.seq].overwritten = false;
    }
}

// Samples the next token of one sequence from its logits, mask applied.
llama_token sample_one(jpeglm_session & s, int32_t seq) {
    jpeglm_sequence & sq     = s.seqs[seq];
    const bool        masked = !sq.mask.empty();
    for (int32_t t = 0; t < s.n_vocab; t++) {
        const float logit = masked && sq.mask[t] == 0 ? -INFINITY : sq.logits[t];
        s.candidates[t]   = llama_token_data{t, logit, 0.0f};
    }
    llama_token_data_array candidates{s.candidates.data(), (size_t) s.n_vocab, -1, false};
    llama_sampler_apply(sq.sampler, &candidates);
    if (candidates.selected < 0 || candidates.selected >= (int64_t) candidates.size) {
        fail(JPEGLM_ERR_COMPUTE, "the sampler of sequence %d selected no token (are the logits NaN?)", seq);
    }
    const llama_token token = candidates.data[candidates.selected].id;
    if (token < 0 || token >= s.n_vocab || (masked && sq.mask[token] == 0)) {
        fail(JPEGLM_ERR_COMPUTE, "the sampler of sequence %d selected an invalid token %d", seq, token);
    }
    llama_sampler_accept(sq.sampler, token);
    return token;
}

void sample_tokens(jpeglm_session & s, int32_t n, const int32_t * seqs, int32_t * out_tokens) {
    require(n >= 0, "sequence count is negative");
    if (n == 0) {
        return;
    }
    require(seqs != nullptr && out_tokens != nullptr, "seqs or out_tokens is NULL");
    std::fill(s.listed_at.begin(), s.listed_at.end(), -1);
    for (int32_t i = 0; i < n; i++) {
        require_seq(s, seqs[i]);
        if (s.listed_at[seqs[i]] >= 0) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "sequence %d is listed twice", seqs[i]);
        }
        s.listed_at[seqs[i]] = i;
        if (!s.seqs[seqs[i]].has_logits) {
            fail(JPEGLM_ERR_STATE, "sequence %d has no logits to sample from: decode a token first", seqs[i]);
        }
    }
    for (int32_t i = 0; i < n; i++) {
        out_tokens[i] = sample_one(s, seqs[i]);
    }
}

}  // namespace

extern "C" {

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

}  // extern "C"
