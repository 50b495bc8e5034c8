// gguf_check.cpp — the GGUF pre-check: what llama.cpp's loader would assert on or divide by, checked first.

#include "internal.h"

#include "ggml.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace jpeglm {

namespace {

// llama.cpp's LLAMA_MAX_LAYERS (src/llama-hparams.h, not in its public headers).
constexpr int64_t kMaxLayers = 512;

// Bounds past which a hyper-parameter or tensor dimension is surely corrupt, well above any real model's.
constexpr int64_t kMaxEmbd         = (int64_t) 1 << 20;
constexpr int64_t kMaxHeads        = (int64_t) 1 << 16;
constexpr int64_t kMaxFeedForward  = (int64_t) 1 << 24;
constexpr int64_t kMaxTensorExtent = (int64_t) 1 << 40;

// The value of an integer scalar of the given type at p; false in *ok for a non-integer type.
int64_t integer_at(enum gguf_type type, const void * p, bool * ok) {
    *ok = true;
    switch (type) {
        case GGUF_TYPE_UINT8:
            return *(const uint8_t *) p;
        case GGUF_TYPE_INT8:
            return *(const int8_t *) p;
        case GGUF_TYPE_UINT16:
            return *(const uint16_t *) p;
        case GGUF_TYPE_INT16:
            return *(const int16_t *) p;
        case GGUF_TYPE_UINT32:
            return *(const uint32_t *) p;
        case GGUF_TYPE_INT32:
            return *(const int32_t *) p;
        case GGUF_TYPE_UINT64:
            return (int64_t) std::min<uint64_t>(*(const uint64_t *) p, INT64_MAX);
        case GGUF_TYPE_INT64:
            return *(const int64_t *) p;
        default:
            *ok = false;
            return 0;
    }
}

// Reads an integer hyper-parameter that may be a scalar or a per-layer array; every element must be in
// [lo, hi]. Stores the (first) value in *first; returns false if an optional key is absent.
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
    const enum gguf_type type = gguf_get_kv_type(meta, id);
    bool                 ok   = false;
    if (type == GGUF_TYPE_ARRAY) {
        const enum gguf_type element_type = gguf_get_arr_type(meta, id);
        const size_t         n_elements   = gguf_get_arr_n(meta, id);
        if (n_elements == 0) {
            fail(JPEGLM_ERR_FORMAT, "model metadata '%s' is an empty array", key.c_str());
        }
        const auto * data         = (const uint8_t *) gguf_get_arr_data(meta, id);
        const size_t element_size = element_type == GGUF_TYPE_STRING ? 0 : gguf_scalar_size(element_type);
        for (size_t i = 0; i < n_elements && element_size > 0; i++) {
            int64_t v = integer_at(element_type, data + i * element_size, &ok);
            if (!ok) {
                break;
            }
            v = check(v);
            if (i == 0) {
                *first = v;
            }
        }
    } else {
        *first = check(integer_at(type, gguf_get_val_data(meta, id), &ok));
    }
    if (!ok) {
        fail(JPEGLM_ERR_FORMAT, "model metadata '%s' has type %s, expected an integer", key.c_str(),
             gguf_type_name(type == GGUF_TYPE_ARRAY ? gguf_get_arr_type(meta, id) : type));
    }
    return true;
}

// A regular file that starts with "GGUF"; returns its size.
int64_t check_file(const char * path) {
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
    char         magic[4] = {0, 0, 0, 0};
    const size_t n_read   = fread(magic, 1, 4, f);
    fclose(f);
    if (n_read < 4 || memcmp(magic, "GGUF", 4) != 0) {
        fail(JPEGLM_ERR_FORMAT, "'%s' is not a GGUF file (it does not start with the bytes \"GGUF\")", path);
    }
    return (int64_t) st.st_size;
}

// The llama hyper-parameters llama.cpp divides by or indexes with.
void check_hparams(const gguf_context * meta, const char * path) {
    const int64_t arch_id = gguf_find_key(meta, "general.architecture");
    if (arch_id < 0 || gguf_get_kv_type(meta, arch_id) != GGUF_TYPE_STRING) {
        fail(JPEGLM_ERR_FORMAT, "'%s' has no string 'general.architecture'", path);
    }
    const std::string arch = gguf_get_val_str(meta, arch_id);
    if (arch != "llama") {
        fail(JPEGLM_ERR_UNSUPPORTED, "model architecture '%s' is not supported: jpeglm runs 'llama' models",
             arch.c_str());
    }

    const std::string p      = arch + ".";
    int64_t           n_embd = 0, n_layer = 0, n_head = 0, n_head_kv = 0, n_ff = 0, n_ctx = 0, n_rot = 0, n_vocab = 0;
    read_hparam(meta, p + "embedding_length", 1, kMaxEmbd, true, &n_embd);
    read_hparam(meta, p + "block_count", 1, kMaxLayers, true, &n_layer);
    read_hparam(meta, p + "attention.head_count", 1, kMaxHeads, true, &n_head);
    read_hparam(meta, p + "feed_forward_length", 1, kMaxFeedForward, true, &n_ff);
    read_hparam(meta, p + "context_length", 1, INT32_MAX, true, &n_ctx);
    if (!read_hparam(meta, p + "attention.head_count_kv", 1, kMaxHeads, false, &n_head_kv)) {
        n_head_kv = n_head;
    }
    if (n_embd % n_head != 0) {
        fail(JPEGLM_ERR_FORMAT, "embedding_length %lld is not a multiple of head_count %lld", (long long) n_embd,
             (long long) n_head);
    }
    if (n_head % n_head_kv != 0) {
        fail(JPEGLM_ERR_FORMAT, "head_count %lld is not a multiple of head_count_kv %lld", (long long) n_head,
             (long long) n_head_kv);
    }
    if (read_hparam(meta, p + "rope.dimension_count", 1, n_embd / n_head, false, &n_rot) && n_rot % 2 != 0) {
        fail(JPEGLM_ERR_FORMAT, "rope.dimension_count %lld is odd", (long long) n_rot);
    }
    read_hparam(meta, p + "vocab_size", 1, INT32_MAX, false, &n_vocab);
}

// Every tensor: sane dimensions and data inside the file.
void check_tensors(const gguf_context * meta, const char * path, int64_t file_size) {
    const size_t  data_offset = gguf_get_data_offset(meta);
    const int64_t n_tensors   = gguf_get_n_tensors(meta);
    if (n_tensors == 0) {
        fail(JPEGLM_ERR_FORMAT, "'%s' holds no tensors", path);
    }
    for (int64_t i = 0; i < n_tensors; i++) {
        const char *    name = gguf_get_tensor_name(meta, i);
        const int64_t * ne   = gguf_get_tensor_ne(meta, i);
        for (int d = 0; d < GGML_MAX_DIMS; d++) {
            if (ne[d] <= 0 || ne[d] > kMaxTensorExtent) {
                fail(JPEGLM_ERR_FORMAT, "tensor '%s' has an absurd dimension %d: %lld", name, d, (long long) ne[d]);
            }
        }
        const uint64_t end = (uint64_t) data_offset + gguf_get_tensor_offset(meta, i) + gguf_get_tensor_size(meta, i);
        if (end > (uint64_t) file_size) {
            fail(JPEGLM_ERR_FORMAT, "tensor '%s' ends at byte %llu but the file has %lld bytes (truncated?)", name,
                 (unsigned long long) end, (long long) file_size);
        }
    }
}

}  // namespace

size_t gguf_scalar_size(enum gguf_type type) {
    switch (type) {
        case GGUF_TYPE_UINT8:
        case GGUF_TYPE_INT8:
        case GGUF_TYPE_BOOL:
            return 1;
        case GGUF_TYPE_UINT16:
        case GGUF_TYPE_INT16:
            return 2;
        case GGUF_TYPE_UINT32:
        case GGUF_TYPE_INT32:
        case GGUF_TYPE_FLOAT32:
            return 4;
        case GGUF_TYPE_UINT64:
        case GGUF_TYPE_INT64:
        case GGUF_TYPE_FLOAT64:
            return 8;
        default:
            return 0;
    }
}

gguf_ptr gguf_check(const char * path) {
    const int64_t file_size = check_file(path);
    gguf_ptr      meta;
    {
        error_capture capture;
        meta.reset(gguf_init_from_file(path, gguf_init_params{/*no_alloc =*/true, /*ctx =*/nullptr}));
        if (meta == nullptr) {
            const std::string why = capture.text();
            fail(JPEGLM_ERR_FORMAT, "'%s' is not a valid GGUF file%s%s", path, why.empty() ? "" : ": ", why.c_str());
        }
    }
    check_hparams(meta.get(), path);
    check_tensors(meta.get(), path, file_size);
    return meta;
}

}  // namespace jpeglm
