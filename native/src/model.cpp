// model.cpp — loading a model, its hyper-parameters and its GGUF metadata.

#include "internal.h"

#include <climits>
#include <cstring>

static_assert(JPEGLM_META_UINT8 == GGUF_TYPE_UINT8 && JPEGLM_META_INT8 == GGUF_TYPE_INT8 &&
                  JPEGLM_META_UINT16 == GGUF_TYPE_UINT16 && JPEGLM_META_INT16 == GGUF_TYPE_INT16 &&
                  JPEGLM_META_UINT32 == GGUF_TYPE_UINT32 && JPEGLM_META_INT32 == GGUF_TYPE_INT32 &&
                  JPEGLM_META_FLOAT32 == GGUF_TYPE_FLOAT32 && JPEGLM_META_BOOL == GGUF_TYPE_BOOL &&
                  JPEGLM_META_STRING == GGUF_TYPE_STRING && JPEGLM_META_ARRAY == GGUF_TYPE_ARRAY &&
                  JPEGLM_META_UINT64 == GGUF_TYPE_UINT64 && JPEGLM_META_INT64 == GGUF_TYPE_INT64 &&
                  JPEGLM_META_FLOAT64 == GGUF_TYPE_FLOAT64 && GGUF_TYPE_COUNT == 13,
              "jpeglm.h promises GGUF's value types");

jpeglm_model::~jpeglm_model() {
    if (model) {
        llama_model_free(model);
    }
}

using namespace jpeglm;

namespace {

int64_t require_meta_index(const jpeglm_model & m, int64_t index) {
    const int64_t n_keys = gguf_get_n_kv(m.meta.get());
    if (index < 0 || index >= n_keys) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata index %lld is out of range [0, %lld)", (long long) index,
             (long long) n_keys);
    }
    return index;
}

int64_t require_array(const jpeglm_model & m, int64_t index) {
    require_meta_index(m, index);
    if (gguf_get_kv_type(m.meta.get(), index) != GGUF_TYPE_ARRAY) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not an array", gguf_get_key(m.meta.get(), index));
    }
    return index;
}

}  // namespace

extern "C" {

int32_t jpeglm_model_load(const char * path, int32_t n_gpu_layers, uint32_t flags, jpeglm_model ** out_model) {
    return guarded([&] {
        require(out_model != nullptr, "out_model is NULL");
        *out_model = nullptr;
        require(path != nullptr, "path is NULL");
        require((flags & ~(uint32_t) (JPEGLM_MODEL_NO_MMAP | JPEGLM_MODEL_CHECK_TENSORS)) == 0, "unknown model flags");
        backend_init();

        auto m  = std::make_unique<jpeglm_model>();
        m->meta = gguf_check(path);

        llama_model_params params = llama_model_default_params();
        params.n_gpu_layers       = n_gpu_layers < 0 ? INT32_MAX : n_gpu_layers;
        params.load_mode          = (flags & JPEGLM_MODEL_NO_MMAP) ? LLAMA_LOAD_MODE_NONE : LLAMA_LOAD_MODE_MMAP;
        params.check_tensors      = (flags & JPEGLM_MODEL_CHECK_TENSORS) != 0;
        {
            error_capture capture;
            m->model = llama_model_load_from_file(path, params);
            if (m->model == nullptr) {
                fail(JPEGLM_ERR_FORMAT, "cannot load model '%s': %s", path,
                     capture.text_or("llama.cpp rejected it").c_str());
            }
        }
        m->in_memory = (flags & JPEGLM_MODEL_NO_MMAP) != 0;
        m->n_vocab   = llama_vocab_n_tokens(llama_model_get_vocab(m->model));
        if (m->n_vocab <= 0) {
            fail(JPEGLM_ERR_FORMAT, "model '%s' has no vocabulary (set llama.vocab_size)", path);
        }
        *out_model = m.release();
    });
}

void jpeglm_model_free(jpeglm_model * model) {
    if (model == nullptr) {
        return;
    }
    if (model->n_contexts.load() != 0) {
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
    return guarded_value<int64_t>(-1, [&] { return gguf_get_n_kv(model_ref(model).meta.get()); });
}

int64_t jpeglm_model_meta_find(const jpeglm_model * model, const char * key) {
    return guarded_value<int64_t>(-1, [&] {
        require(key != nullptr, "key is NULL");
        return gguf_find_key(model_ref(model).meta.get(), key);
    });
}

const char * jpeglm_model_meta_key(const jpeglm_model * model, int64_t index) {
    return guarded_value<const char *>(nullptr, [&] {
        const jpeglm_model & m = model_ref(model);
        return gguf_get_key(m.meta.get(), require_meta_index(m, index));
    });
}

int32_t jpeglm_model_meta_type(const jpeglm_model * model, int64_t index) {
    return guarded_value<int32_t>(-1, [&] {
        const jpeglm_model & m = model_ref(model);
        return (int32_t) gguf_get_kv_type(m.meta.get(), require_meta_index(m, index));
    });
}

int32_t jpeglm_model_meta_array_type(const jpeglm_model * model, int64_t index) {
    return guarded_value<int32_t>(-1, [&] {
        const jpeglm_model & m = model_ref(model);
        return (int32_t) gguf_get_arr_type(m.meta.get(), require_array(m, index));
    });
}

int64_t jpeglm_model_meta_array_length(const jpeglm_model * model, int64_t index) {
    return guarded_value<int64_t>(-1, [&] {
        const jpeglm_model & m = model_ref(model);
        return (int64_t) gguf_get_arr_n(m.meta.get(), require_array(m, index));
    });
}

int32_t jpeglm_model_meta_scalar(const jpeglm_model * model, int64_t index, void * out, size_t out_size) {
    return guarded([&] {
        const jpeglm_model & m    = model_ref(model);
        const gguf_context * meta = m.meta.get();
        require_meta_index(m, index);
        require(out != nullptr, "out is NULL");
        const enum gguf_type type = gguf_get_kv_type(meta, index);
        if (type == GGUF_TYPE_STRING || type == GGUF_TYPE_ARRAY) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not a scalar", gguf_get_key(meta, index));
        }
        const size_t size = gguf_scalar_size(type);
        if (out_size < size) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "out_size %zu is smaller than the value's %zu bytes", out_size, size);
        }
        std::memcpy(out, gguf_get_val_data(meta, index), size);
    });
}

const char * jpeglm_model_meta_string(const jpeglm_model * model, int64_t index, int64_t element) {
    return guarded_value<const char *>(nullptr, [&]() -> const char * {
        const jpeglm_model & m    = model_ref(model);
        const gguf_context * meta = m.meta.get();
        require_meta_index(m, index);
        const enum gguf_type type = gguf_get_kv_type(meta, index);
        if (element < 0) {
            if (type != GGUF_TYPE_STRING) {
                fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not a string", gguf_get_key(meta, index));
            }
            return gguf_get_val_str(meta, index);
        }
        if (type != GGUF_TYPE_ARRAY || gguf_get_arr_type(meta, index) != GGUF_TYPE_STRING) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not a string array", gguf_get_key(meta, index));
        }
        const size_t n_elements = gguf_get_arr_n(meta, index);
        if ((uint64_t) element >= n_elements) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "element %lld is out of range [0, %zu)", (long long) element, n_elements);
        }
        return gguf_get_arr_str(meta, index, (size_t) element);
    });
}

const void * jpeglm_model_meta_array_data(const jpeglm_model * model, int64_t index) {
    return guarded_value<const void *>(nullptr, [&]() -> const void * {
        const jpeglm_model & m    = model_ref(model);
        const gguf_context * meta = m.meta.get();
        require_array(m, index);
        const enum gguf_type element_type = gguf_get_arr_type(meta, index);
        if (element_type == GGUF_TYPE_STRING || element_type == GGUF_TYPE_ARRAY) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "metadata '%s' is not a numeric array", gguf_get_key(meta, index));
        }
        if (gguf_get_arr_n(meta, index) == 0) {
            static const uint64_t empty = 0;  // a valid pointer for an empty array
            return &empty;
        }
        return gguf_get_arr_data(meta, index);
    });
}

}  // extern "C"
