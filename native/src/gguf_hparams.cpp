// gguf_hparams.cpp — every hyper-parameter llama.cpp reads for the llama architecture, range-checked before
// llama.cpp sees it (a NaN epsilon or an unknown RoPE scaling type is a ggml abort inside llama.cpp), and the
// vocabulary keys it sizes allocations from.

#include "internal.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <string>
#include <unordered_set>

namespace jpeglm {

namespace {

// llama.cpp's LLAMA_MAX_LAYERS (src/llama-hparams.h, not in its public headers).
constexpr double kMaxLayers = 512;

// Bounds past which a hyper-parameter or tensor dimension is surely corrupt, well above any real model's.
constexpr double kMaxEmbd        = 1 << 20;
constexpr double kMaxHeads       = 1 << 16;
constexpr double kMaxFeedForward = 1 << 24;
constexpr double kMaxContext     = 1 << 20;  // also bounds what a session sized by the model's context allocates

constexpr double kAboveZero = std::numeric_limits<float>::denorm_min();  // the least float > 0
constexpr double kBelowOne  = 0x1.fffffep-1;                             // the greatest float < 1

enum class value_kind : uint8_t { u32, f32, flag, text };

// One metadata key llama.cpp reads for the llama architecture (llama_model_base::load_hparams and
// llama_model_llama::load_arch_hparams in src/llama-model.cpp, the vocabulary's special tokens in
// src/llama-vocab.cpp): its type as llama.cpp's loader demands it, and the values jpeglm lets through.
struct hparam_rule {
    const char * key;
    value_kind   kind;
    bool         required;
    bool         per_layer;    // a scalar or an array of block_count values (llama.cpp's get_key_or_arr)
    double       lo, hi;       // numbers: inclusive range; flags: 0 and/or 1
    bool         zero_ok;      // 0 is accepted besides [lo, hi] (llama.cpp reads it as "not set")
    const char * range_text;   // [lo, hi] as the error message says it
    const char * unsupported;  // non-null: a value outside the range is this feature, which jpeglm does not run
};

constexpr value_kind U32 = value_kind::u32, F32 = value_kind::f32, FLAG = value_kind::flag, TEXT = value_kind::text;

// Ordered so that block_count comes before the per-layer keys. Cross-key rules (head divisibility, head
// dimension, vocabulary size) are in check_shapes.
const hparam_rule kRules[] = {
    {"llama.block_count", U32, true, false, 1, kMaxLayers, false, "[1, 512]", nullptr},
    {"llama.context_length", U32, true, false, 1, kMaxContext, false, "[1, 1048576]", nullptr},
    {"llama.embedding_length", U32, true, false, 1, kMaxEmbd, false, "[1, 1048576]", nullptr},
    {"llama.embedding_length_out", U32, false, false, 1, kMaxEmbd, false, "[1, 1048576]", nullptr},
    {"llama.feed_forward_length", U32, true, true, 1, kMaxFeedForward, false, "[1, 16777216]", nullptr},
    {"llama.attention.head_count", U32, true, true, 1, kMaxHeads, false, "[1, 65536]", nullptr},
    {"llama.attention.head_count_kv", U32, false, true, 1, kMaxHeads, false, "[1, 65536]", nullptr},
    {"llama.attention.key_length", U32, false, false, 1, kMaxEmbd, false, "[1, 1048576]", nullptr},
    {"llama.attention.value_length", U32, false, false, 1, kMaxEmbd, false, "[1, 1048576]", nullptr},
    {"llama.attention.layer_norm_rms_epsilon", F32, true, false, kAboveZero, kBelowOne, false, "(0, 1)", nullptr},
    {"llama.attention.causal", FLAG, false, false, 1, 1, false, "true", "non-causal attention"},
    {"llama.pooling_type", U32, false, false, 0, 0, false, "0 (none)", "pooled embeddings"},
    {"llama.nextn_predict_layers", U32, false, false, 0, 0, false, "0", "next-token-prediction (nextn) layers"},
    {"llama.expert_count", U32, false, false, 0, 0, false, "0", "mixture-of-experts"},
    {"llama.expert_used_count", U32, false, true, 0, 0, false, "0", "mixture-of-experts"},
    {"llama.expert_group_count", U32, false, false, 0, 0, false, "0", "mixture-of-experts"},
    {"llama.expert_group_used_count", U32, false, false, 0, 0, false, "0", "mixture-of-experts"},
    {"llama.attention.sliding_window", U32, false, false, 0, 0, false, "0", "sliding-window attention"},
    {"llama.attention.key_length_swa", U32, false, false, 1, kMaxEmbd, false, "[1, 1048576]", nullptr},
    {"llama.attention.value_length_swa", U32, false, false, 1, kMaxEmbd, false, "[1, 1048576]", nullptr},
    {"llama.rope.dimension_count", U32, false, false, 2, kMaxEmbd, false, "[2, 1048576]", nullptr},
    {"llama.rope.dimension_count_swa", U32, false, false, 2, kMaxEmbd, false, "[2, 1048576]", nullptr},
    {"llama.rope.freq_base", F32, false, false, kAboveZero, 1e12, false, "(0, 1e12]", nullptr},
    {"llama.rope.scaling.factor", F32, false, false, 1.0 / 1024, 1 << 20, true, "0 or [1/1024, 1048576]", nullptr},
    {"llama.rope.scale_linear", F32, false, false, 1.0 / 1024, 1 << 20, true, "0 or [1/1024, 1048576]", nullptr},
    {"llama.rope.scaling.attn_factor", F32, false, false, 1.0 / 1024, 1024, false, "[1/1024, 1024]", nullptr},
    {"llama.rope.scaling.alpha", F32, false, false, 0, 1e6, false, "[0, 1e6]", nullptr},
    {"llama.rope.scaling.original_context_length", U32, false, false, 0, kMaxContext, false, "[0, 1048576]", nullptr},
    {"llama.rope.scaling.finetuned", FLAG, false, false, 0, 1, false, "true or false", nullptr},
    {"llama.rope.scaling.yarn_log_multiplier", F32, false, false, 0, 1024, false, "[0, 1024]", nullptr},
    {"llama.rope.scaling.yarn_ext_factor", F32, false, false, 0, 1024, false, "[0, 1024]", nullptr},
    {"llama.rope.scaling.yarn_attn_factor", F32, false, false, 1.0 / 1024, 1024, false, "[1/1024, 1024]", nullptr},
    {"llama.rope.scaling.yarn_beta_fast", F32, false, false, 0, 1e6, false, "[0, 1e6]", nullptr},
    {"llama.rope.scaling.yarn_beta_slow", F32, false, false, 0, 1e6, false, "[0, 1e6]", nullptr},
    {"llama.vocab_size", U32, false, false, 1, INT32_MAX, false, "[1, 2147483647]", nullptr},
    {"tokenizer.ggml.token_type_count", U32, false, false, 0, 1 << 16, false, "[0, 65536]", nullptr},
    {"tokenizer.ggml.add_bos_token", FLAG, false, false, 0, 1, false, "true or false", nullptr},
    {"tokenizer.ggml.add_eos_token", FLAG, false, false, 0, 1, false, "true or false", nullptr},
    {"tokenizer.ggml.add_sep_token", FLAG, false, false, 0, 1, false, "true or false", nullptr},
};

// Strings llama.cpp reads, with the values it knows; an unknown RoPE scaling type is a GGML_ASSERT abort.
struct text_rule {
    const char * key;
    bool         required;
    const char * known[5];  // nullptr-terminated; empty: any string
    const char * unsupported[2];
};

const text_rule kTextRules[] = {
    {"general.name", false, {nullptr}, {nullptr}},
    {"llama.rope.scaling.type", false, {"none", "linear", "yarn", nullptr}, {"longrope", nullptr}},
    {"tokenizer.ggml.model", true, {nullptr}, {nullptr}},
    {"tokenizer.ggml.pre", false, {nullptr}, {nullptr}},
};

// Keys whose mere presence is a feature jpeglm does not run.
const std::pair<const char *, const char *> kUnsupportedKeys[] = {
    {"llama.attention.sliding_window_pattern", "sliding-window attention"},
    {"llama.classifier.output_labels", "a classifier head"},
};

// Special token ids llama.cpp reads; jpeglm refuses one outside the vocabulary rather than have llama.cpp
// replace it silently.
const char * const kTokenIdKeys[] = {
    "tokenizer.ggml.bos_token_id",     "tokenizer.ggml.eos_token_id",     "tokenizer.ggml.eot_token_id",
    "tokenizer.ggml.eom_token_id",     "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.seperator_token_id",
    "tokenizer.ggml.padding_token_id", "tokenizer.ggml.cls_token_id",     "tokenizer.ggml.mask_token_id",
    "tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.fim_mid_token_id",
    "tokenizer.ggml.fim_pad_token_id", "tokenizer.ggml.fim_rep_token_id", "tokenizer.ggml.fim_sep_token_id",
    "tokenizer.ggml.prefix_token_id",  "tokenizer.ggml.suffix_token_id",  "tokenizer.ggml.middle_token_id",
};

const char * kind_name(value_kind kind) {
    switch (kind) {
        case value_kind::u32:
            return "uint32";
        case value_kind::f32:
            return "float32";
        case value_kind::flag:
            return "bool";
        default:
            return "string";
    }
}

enum gguf_type scalar_type(value_kind kind) {
    switch (kind) {
        case value_kind::u32:
            return GGUF_TYPE_UINT32;
        case value_kind::f32:
            return GGUF_TYPE_FLOAT32;
        case value_kind::flag:
            return GGUF_TYPE_BOOL;
        default:
            return GGUF_TYPE_STRING;
    }
}

// The number at p, of a type read_values accepted.
double number_at(enum gguf_type type, const void * p) {
    switch (type) {
        case GGUF_TYPE_UINT32:
            return *(const uint32_t *) p;
        case GGUF_TYPE_INT32:
            return *(const int32_t *) p;
        case GGUF_TYPE_FLOAT32:
            return *(const float *) p;
        case GGUF_TYPE_BOOL:
            return *(const int8_t *) p != 0 ? 1 : 0;
        default:
            fail(JPEGLM_ERR_INTERNAL, "number_at: unexpected type %s", gguf_type_name(type));
    }
}

// A key's values: one for a scalar, one per layer for a per-layer array; none when the key is absent.
struct key_values {
    std::vector<double> v;
    bool                array = false;
};

// Reads rule's key with the types llama.cpp's loader demands (it throws on others; this message names the key).
key_values read_values(const gguf_context * meta, const hparam_rule & rule, int64_t n_layer) {
    const int64_t id = gguf_find_key(meta, rule.key);
    if (id < 0) {
        if (rule.required) {
            fail(JPEGLM_ERR_FORMAT, "model metadata lacks '%s'", rule.key);
        }
        return {};
    }
    const enum gguf_type type = gguf_get_kv_type(meta, id);
    if (type != GGUF_TYPE_ARRAY) {
        if (type != scalar_type(rule.kind)) {
            fail(JPEGLM_ERR_FORMAT, "model metadata '%s' has type %s, llama.cpp reads a %s", rule.key,
                 gguf_type_name(type), kind_name(rule.kind));
        }
        return {{number_at(type, gguf_get_val_data(meta, id))}, false};
    }
    const enum gguf_type element = gguf_get_arr_type(meta, id);
    if (!rule.per_layer || (element != GGUF_TYPE_UINT32 && element != GGUF_TYPE_INT32)) {
        fail(JPEGLM_ERR_FORMAT, "model metadata '%s' is an array of %s, llama.cpp reads a %s%s", rule.key,
             gguf_type_name(element), kind_name(rule.kind), rule.per_layer ? " or an array of one per layer" : "");
    }
    const size_t n = gguf_get_arr_n(meta, id);
    if ((int64_t) n != n_layer) {
        fail(JPEGLM_ERR_FORMAT, "model metadata '%s' has %zu values, one per layer (%lld) expected", rule.key, n,
             (long long) n_layer);
    }
    const auto * data = (const uint8_t *) gguf_get_arr_data(meta, id);
    key_values   out{std::vector<double>(n), true};
    for (size_t i = 0; i < n; i++) {
        out.v[i] = number_at(element, data + 4 * i);
    }
    return out;
}

std::string shown(value_kind kind, double v) {
    if (kind == value_kind::flag) {
        return v != 0 ? "true" : "false";
    }
    char buf[64];
    snprintf(buf, sizeof buf, kind == value_kind::f32 ? "%g" : "%.0f", v);
    return buf;
}

// Fails unless v is in the rule's range; NaN is in none.
void check_value(const hparam_rule & rule, double v, const std::string & key) {
    if ((rule.zero_ok && v == 0) || (v >= rule.lo && v <= rule.hi)) {
        return;
    }
    const std::string value = shown(rule.kind, v);
    if (rule.unsupported != nullptr) {
        fail(JPEGLM_ERR_UNSUPPORTED, "model metadata '%s' = %s: %s is not supported (jpeglm runs plain Llama)",
             key.c_str(), value.c_str(), rule.unsupported);
    }
    fail(JPEGLM_ERR_FORMAT, "model metadata '%s' = %s is out of range %s", key.c_str(), value.c_str(), rule.range_text);
}

// The checked numeric hyper-parameters by key; a per-layer key has one value per layer.
using hparam_values = std::map<std::string, std::vector<double>>;

hparam_values check_rules(const gguf_context * meta) {
    hparam_values values;
    int64_t       n_layer = 0;
    for (const hparam_rule & rule : kRules) {
        key_values read = read_values(meta, rule, n_layer);
        for (size_t i = 0; i < read.v.size(); i++) {
            check_value(rule, read.v[i], read.array ? std::string(rule.key) + "[" + std::to_string(i) + "]" : rule.key);
        }
        if (read.v.empty()) {
            continue;
        }
        if (std::strcmp(rule.key, "llama.block_count") == 0) {
            n_layer = (int64_t) read.v[0];
        }
        if (rule.per_layer && !read.array) {
            read.v.assign(n_layer, read.v[0]);
        }
        values[rule.key] = std::move(read.v);
    }
    return values;
}

// The string at key, or nullptr when absent; any other type fails.
const char * string_value(const gguf_context * meta, const char * key, bool required) {
    const int64_t id = gguf_find_key(meta, key);
    if (id < 0) {
        if (required) {
            fail(JPEGLM_ERR_FORMAT, "model metadata lacks '%s'", key);
        }
        return nullptr;
    }
    const enum gguf_type type = gguf_get_kv_type(meta, id);
    if (type != GGUF_TYPE_STRING) {
        fail(JPEGLM_ERR_FORMAT, "model metadata '%s' has type %s, llama.cpp reads a string", key,
             type == GGUF_TYPE_ARRAY ? "array" : gguf_type_name(type));
    }
    return gguf_get_val_str(meta, id);
}

bool listed(const char * const * list, const char * s) {
    for (; *list != nullptr; list++) {
        if (std::strcmp(*list, s) == 0) {
            return true;
        }
    }
    return false;
}

void check_text_rules(const gguf_context * meta) {
    for (const text_rule & rule : kTextRules) {
        const char * s = string_value(meta, rule.key, rule.required);
        if (s == nullptr || rule.known[0] == nullptr || listed(rule.known, s)) {
            continue;
        }
        if (listed(rule.unsupported, s)) {
            fail(JPEGLM_ERR_UNSUPPORTED, "model metadata '%s' = '%s' is not supported", rule.key, s);
        }
        std::string known;
        for (const char * const * k = rule.known; *k != nullptr; k++) {
            known += std::string(known.empty() ? "" : ", ") + "'" + *k + "'";
        }
        fail(JPEGLM_ERR_FORMAT, "model metadata '%s' = '%.64s' is not one of %s", rule.key, s, known.c_str());
    }
    for (const auto & [key, feature] : kUnsupportedKeys) {
        if (gguf_find_key(meta, key) >= 0) {
            fail(JPEGLM_ERR_UNSUPPORTED, "model metadata has '%s': %s is not supported (jpeglm runs plain Llama)", key,
                 feature);
        }
    }
}

// Class-wide: no float metadata value, scalar or array element, of any key is NaN or infinite.
void check_floats_finite(const gguf_context * meta) {
    for (int64_t id = 0; id < gguf_get_n_kv(meta); id++) {
        const bool           array = gguf_get_kv_type(meta, id) == GGUF_TYPE_ARRAY;
        const enum gguf_type type  = array ? gguf_get_arr_type(meta, id) : gguf_get_kv_type(meta, id);
        if (type != GGUF_TYPE_FLOAT32 && type != GGUF_TYPE_FLOAT64) {
            continue;
        }
        const auto * data = (const uint8_t *) (array ? gguf_get_arr_data(meta, id) : gguf_get_val_data(meta, id));
        const size_t n    = array ? gguf_get_arr_n(meta, id) : 1;
        for (size_t i = 0; i < n; i++) {
            const double v = type == GGUF_TYPE_FLOAT32 ? ((const float *) data)[i] : ((const double *) data)[i];
            if (!std::isfinite(v)) {
                fail(JPEGLM_ERR_FORMAT, "model metadata '%s'%s holds %g, not a finite number", gguf_get_key(meta, id),
                     array ? ("[" + std::to_string(i) + "]").c_str() : "", v);
            }
        }
    }
}

int64_t first(const hparam_values & values, const char * key, int64_t fallback) {
    const auto it = values.find(key);
    return it == values.end() ? fallback : (int64_t) it->second[0];
}

// An optional key that must equal what llama.cpp derives otherwise.
void require_equal(const hparam_values & values, const char * key, int64_t expected, const char * what) {
    const int64_t v = first(values, key, expected);
    if (v != expected) {
        fail(JPEGLM_ERR_FORMAT, "model metadata '%s' = %lld, but %s is %lld (jpeglm runs plain Llama)", key,
             (long long) v, what, (long long) expected);
    }
}

// What the keys imply together: heads that divide, one head dimension for Q, K, V and RoPE.
void check_shapes(const hparam_values & values) {
    const int64_t               n_embd = first(values, "llama.embedding_length", 0);
    const std::vector<double> & n_head = values.at("llama.attention.head_count");
    const auto                  kv     = values.find("llama.attention.head_count_kv");
    for (size_t il = 0; il < n_head.size(); il++) {
        const int64_t heads    = (int64_t) n_head[il];
        const int64_t kv_heads = kv == values.end() ? heads : (int64_t) kv->second[il];
        if (heads % kv_heads != 0) {
            fail(JPEGLM_ERR_FORMAT,
                 "layer %zu: 'llama.attention.head_count' %lld is not a multiple of 'llama.attention.head_count_kv' "
                 "%lld",
                 il, (long long) heads, (long long) kv_heads);
        }
    }
    if (n_embd % (int64_t) n_head[0] != 0) {
        fail(JPEGLM_ERR_FORMAT, "'llama.embedding_length' %lld is not a multiple of 'llama.attention.head_count' %lld",
             (long long) n_embd, (long long) n_head[0]);
    }
    const int64_t head_dim = n_embd / (int64_t) n_head[0];
    if (head_dim % 2 != 0) {
        fail(JPEGLM_ERR_FORMAT, "the head dimension %lld (embedding_length / head_count) is odd: RoPE rotates pairs",
             (long long) head_dim);
    }
    const char * what = "the head dimension (embedding_length / head_count)";
    for (const char * key :
         {"llama.attention.key_length", "llama.attention.value_length", "llama.attention.key_length_swa",
          "llama.attention.value_length_swa", "llama.rope.dimension_count", "llama.rope.dimension_count_swa"}) {
        require_equal(values, key, head_dim, what);
    }
    require_equal(values, "llama.embedding_length_out", n_embd, "embedding_length");
}

// llama.cpp builds its own tokenizer from these (jpeglm never calls it, but loading does): a duplicate token
// string is a GGML_ASSERT abort in llama_vocab::impl::load.
void check_token_list(const gguf_context * meta, const char * model, int64_t n_vocab) {
    if (std::strcmp(model, "llama") != 0 && std::strcmp(model, "gpt2") != 0) {
        fail(JPEGLM_ERR_UNSUPPORTED,
             "model metadata 'tokenizer.ggml.model' = '%.64s' is not supported: jpeglm tokenizes itself ('none'), or "
             "takes "
             "'llama' or 'gpt2'",
             model);
    }
    const int64_t id = gguf_find_key(meta, "tokenizer.ggml.tokens");
    if (id < 0 || gguf_get_kv_type(meta, id) != GGUF_TYPE_ARRAY || gguf_get_arr_type(meta, id) != GGUF_TYPE_STRING) {
        fail(JPEGLM_ERR_FORMAT,
             "model metadata 'tokenizer.ggml.model' = '%s' needs 'tokenizer.ggml.tokens', an array of strings", model);
    }
    if ((int64_t) gguf_get_arr_n(meta, id) != n_vocab) {
        fail(JPEGLM_ERR_FORMAT, "'tokenizer.ggml.tokens' has %zu tokens, token_embd.weight %lld rows",
             gguf_get_arr_n(meta, id), (long long) n_vocab);
    }
    std::unordered_set<std::string> seen;
    seen.reserve((size_t) n_vocab);
    for (int64_t i = 0; i < n_vocab; i++) {
        std::string word = gguf_get_arr_str(meta, id, i);
        if (word.empty()) {
            word = "[EMPTY_" + std::to_string(i) + "]";  // what llama.cpp names an empty token
        }
        if (!seen.insert(std::move(word)).second) {
            fail(JPEGLM_ERR_FORMAT, "'tokenizer.ggml.tokens' holds token %lld's string twice", (long long) i);
        }
    }
    for (const char * key : {"tokenizer.ggml.scores", "tokenizer.ggml.token_type"}) {
        const int64_t k = gguf_find_key(meta, key);
        if (k >= 0 && (gguf_get_kv_type(meta, k) != GGUF_TYPE_ARRAY || (int64_t) gguf_get_arr_n(meta, k) != n_vocab)) {
            fail(JPEGLM_ERR_FORMAT, "model metadata '%s' is not an array of one value per token (%lld)", key,
                 (long long) n_vocab);
        }
    }
}

// The vocabulary size: token_embd.weight's rows, which every key that names a size or an id must agree with
// (llama.cpp sizes its vocabulary from metadata before it looks at a tensor).
int64_t check_vocab(const gguf_context * meta, const hparam_values & values) {
    const int64_t tensor = gguf_find_tensor(meta, "token_embd.weight");
    if (tensor < 0) {
        fail(JPEGLM_ERR_FORMAT, "the model has no tensor 'token_embd.weight'");
    }
    const int64_t n_vocab = gguf_get_tensor_ne(meta, tensor)[1];
    if (n_vocab > INT32_MAX) {
        fail(JPEGLM_ERR_FORMAT, "token_embd.weight has %lld rows, more than a vocabulary can", (long long) n_vocab);
    }
    require_equal(values, "llama.vocab_size", n_vocab, "token_embd.weight's row count");
    const char * model = string_value(meta, "tokenizer.ggml.model", true);
    if (std::strcmp(model, "none") == 0 || std::strcmp(model, "no_vocab") == 0) {
        if (values.count("llama.vocab_size") == 0) {
            fail(JPEGLM_ERR_FORMAT, "model metadata 'tokenizer.ggml.model' = '%s' needs 'llama.vocab_size'", model);
        }
    } else {
        check_token_list(meta, model, n_vocab);
    }
    for (const char * key : kTokenIdKeys) {
        const hparam_rule rule{key, U32, false, false, 0, (double) n_vocab - 1, false, "[0, n_vocab)", nullptr};
        const key_values  id = read_values(meta, rule, 0);
        if (!id.v.empty() && !(id.v[0] < (double) n_vocab)) {
            fail(JPEGLM_ERR_FORMAT, "model metadata '%s' = %.0f is not a token id: the vocabulary has %lld tokens", key,
                 id.v[0], (long long) n_vocab);
        }
    }
    return n_vocab;
}

}  // namespace

void gguf_check_hparams(const gguf_context * meta) {
    check_floats_finite(meta);
    check_shapes(check_rules(meta));
    check_text_rules(meta);
}

void gguf_check_vocab(const gguf_context * meta) {
    check_vocab(meta, check_rules(meta));
}

std::vector<int64_t> gguf_kv_widths(const gguf_context * meta) {
    const hparam_values         values   = check_rules(meta);
    const std::vector<double> & n_head   = values.at("llama.attention.head_count");
    const auto                  kv       = values.find("llama.attention.head_count_kv");
    const int64_t               head_dim = first(values, "llama.embedding_length", 0) / (int64_t) n_head[0];
    std::vector<int64_t>        widths(n_head.size());
    for (size_t il = 0; il < n_head.size(); il++) {
        widths[il] = head_dim * (int64_t) (kv == values.end() ? n_head[il] : kv->second[il]);
    }
    return widths;
}

}  // namespace jpeglm
