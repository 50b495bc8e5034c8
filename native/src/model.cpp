// model.cpp — loading a model and its hyper-parameters.

#include "internal.h"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <string>

jpeglm_model::~jpeglm_model() {
    if (model) {
        llama_model_free(model);
    }
}

using namespace jpeglm;

namespace {

// A parameter count as llama.cpp writes model sizes: "7B", "28M"; one decimal below 10 ("2.1M", "6.7B").
std::string size_name(uint64_t n) {
    const char * units[] = {"", "K", "M", "B", "T"};
    double       value   = (double) n;
    size_t       unit    = 0;
    while (value >= 999.5 && unit + 1 < sizeof units / sizeof units[0]) {
        value /= 1000;
        unit++;
    }
    char out[32];
    snprintf(out, sizeof out, value < 9.95 && unit > 0 ? "%.1f%s" : "%.0f%s", value, units[unit]);
    return out;
}

}  // namespace

extern "C" {

int32_t jpeglm_model_load(const char * path, int32_t n_gpu_layers, uint32_t flags, jpeglm_model ** out_model) {
    return jpeglm_model_load_on_devices(path, n_gpu_layers, flags, nullptr, -1, out_model);
}

int32_t jpeglm_model_load_on_devices(const char * path, int32_t n_gpu_layers, uint32_t flags,
                                     const char * const * devices, int32_t n_devices, jpeglm_model ** out_model) {
    return jpeglm_model_load_rpc(path, n_gpu_layers, flags, devices, n_devices, nullptr, 0, 1, out_model);
}

int32_t jpeglm_model_load_rpc(const char * path, int32_t n_gpu_layers, uint32_t flags, const char * const * devices,
                              int32_t n_devices, const char * const * rpc_servers, int32_t n_rpc, int32_t timeout_ms,
                              jpeglm_model ** out_model) {
    return guarded([&] {
        require(out_model != nullptr, "out_model is NULL");
        *out_model = nullptr;
        require(path != nullptr, "path is NULL");
        require((flags & ~(uint32_t) (JPEGLM_MODEL_NO_MMAP | JPEGLM_MODEL_CHECK_TENSORS)) == 0, "unknown model flags");
        const std::vector<ggml_backend_dev_t> local = offload_devices(devices, n_devices);

        auto m  = std::make_unique<jpeglm_model>();
        m->meta = gguf_check(path);

        // The servers' devices first, as llama.cpp's --rpc puts them: the output layer stays local when a local
        // device takes layers too.
        std::vector<ggml_backend_dev_t> offload = rpc_connect(rpc_servers, n_rpc, timeout_ms, m->rpc);
        for (ggml_backend_dev_t dev : local) {
            if (std::find(offload.begin(), offload.end(), dev) == offload.end()) {
                offload.push_back(dev);
            }
        }
        std::vector<ggml_backend_dev_t> device_list = offload;
        device_list.push_back(nullptr);  // NULL-terminated; an empty list keeps every layer on the CPU
        llama_model_params params = llama_model_default_params();
        params.devices            = device_list.data();
        // With no device llama.cpp keeps every layer on the CPU anyway, but would say it offloaded them.
        params.n_gpu_layers  = offload.empty() ? 0 : n_gpu_layers < 0 ? INT32_MAX : n_gpu_layers;
        params.load_mode     = (flags & JPEGLM_MODEL_NO_MMAP) ? LLAMA_LOAD_MODE_NONE : LLAMA_LOAD_MODE_MMAP;
        params.check_tensors = (flags & JPEGLM_MODEL_CHECK_TENSORS) != 0;
        {
            error_capture capture;
            m->model = llama_model_load_from_file(path, params);
            if (m->model == nullptr) {
                rpc_check(m->rpc);  // a server lost while the weights went there is why
                fail(JPEGLM_ERR_FORMAT, "cannot load model '%s': %s", path,
                     capture.text_or("llama.cpp rejected it").c_str());
            }
        }
        rpc_check(m->rpc);
        log_offload(m->model, n_gpu_layers, offload, n_devices >= 0 || n_rpc > 0);
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
        char desc[256];
        llama_model_desc(m.model, desc, sizeof desc);
        std::string text = desc;
        // llama.cpp names only the sizes of models it knows ("7B") and writes "?B" for the others; the count is known.
        const size_t unknown = text.find(" ?B");
        if (unknown != std::string::npos) {
            text.replace(unknown + 1, 2, size_name(llama_model_n_params(m.model)));
        }
        snprintf(buf, size, "%s", text.c_str());
    });
}

}  // extern "C"
