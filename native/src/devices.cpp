// devices.cpp — choosing the devices a model's layers are offloaded to, and saying where they went.
//
// llama.cpp, left to choose, offloads to every GPU device of every backend: with the prebuilt runtime's dynamic
// backends one GPU seen by both CUDA and Vulkan would be used twice. jpeglm passes llama_model_params.devices
// itself: one backend's devices, the best one present.

#include "internal.h"

#include "ggml-backend.h"

#include <strings.h>
#include <algorithm>
#include <climits>
#include <cstring>

namespace jpeglm {

namespace {

bool is_gpu(ggml_backend_dev_t dev) {
    const enum ggml_backend_dev_type type = ggml_backend_dev_type(dev);
    return type == GGML_BACKEND_DEVICE_TYPE_GPU || type == GGML_BACKEND_DEVICE_TYPE_IGPU;
}

const char * backend_name(ggml_backend_dev_t dev) {
    return ggml_backend_reg_name(ggml_backend_dev_backend_reg(dev));
}

// Preference among GPU backends: CUDA, then the other vendor APIs, then Vulkan (it runs on most GPUs, but the
// vendor's own API is faster where both are present); INT_MAX for RPC, which only ever runs when named.
int backend_rank(ggml_backend_dev_t dev) {
    const char * name = backend_name(dev);
    if (strcasecmp(name, "CUDA") == 0) {
        return 0;
    }
    if (strcasecmp(name, "Vulkan") == 0) {
        return 2;
    }
    return strcasecmp(name, "RPC") == 0 ? INT_MAX : 1;
}

std::string describe(ggml_backend_dev_t dev) {
    return std::string(ggml_backend_dev_name(dev)) + " (" + device_description(dev) + ")";
}

// "CPU (AMD EPYC), Vulkan0 (llvmpipe)": every device there is, for messages.
std::string all_devices() {
    std::string text;
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        text += (i == 0 ? "" : ", ") + describe(ggml_backend_dev_get(i));
    }
    return text;
}

// The best-ranked backend's discrete GPUs, else its integrated ones (llama.cpp's own rule for iGPUs).
std::vector<ggml_backend_dev_t> automatic_devices() {
    int best = INT_MAX;
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        if (is_gpu(dev)) {
            best = std::min(best, backend_rank(dev));
        }
    }
    std::vector<ggml_backend_dev_t> gpus;
    std::vector<ggml_backend_dev_t> igpus;
    for (size_t i = 0; i < ggml_backend_dev_count() && best != INT_MAX; i++) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        if (is_gpu(dev) && backend_rank(dev) == best) {
            (ggml_backend_dev_type(dev) == GGML_BACKEND_DEVICE_TYPE_GPU ? gpus : igpus).push_back(dev);
        }
    }
    return gpus.empty() ? igpus : gpus;
}

// Why a backend the caller names is not there, if the start skipped one: "; skipped: libggml-cuda.so (...)".
std::string skipped_note() {
    std::string text;
    for (const skipped_backend & s : skipped_backends()) {
        text += (text.empty() ? "; skipped: " : ", ") + s.file + " (" + s.reason + ")";
    }
    return text;
}

std::vector<ggml_backend_dev_t> named_devices(const char * const * names, int32_t n) {
    require(names != nullptr || n == 0, "devices is NULL with n_devices > 0");
    std::vector<ggml_backend_dev_t> named;
    std::vector<ggml_backend_dev_t> devices;
    for (int32_t i = 0; i < n; i++) {
        require(names[i] != nullptr && names[i][0] != '\0', "a device name is NULL or empty");
        ggml_backend_dev_t dev = ggml_backend_dev_by_name(names[i]);
        if (dev == nullptr) {
            fail(JPEGLM_ERR_UNSUPPORTED, "no device is named '%s'; the devices are: %s%s", names[i],
                 all_devices().c_str(), skipped_note().c_str());
        }
        if (std::find(named.begin(), named.end(), dev) != named.end()) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "device '%s' is named twice", names[i]);
        }
        named.push_back(dev);
        if (ggml_backend_dev_type(dev) == GGML_BACKEND_DEVICE_TYPE_CPU) {
            continue;  // the layers that are not offloaded run there anyway
        }
        if (!is_gpu(dev)) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "device '%s' (%s) works beside the CPU; layers cannot be offloaded to it",
                 names[i], ggml_backend_dev_description(dev));
        }
        devices.push_back(dev);
    }
    return devices;
}

}  // namespace

std::string device_description(ggml_backend_dev_t dev) {
    const std::string server = rpc_server_of(dev);  // ggml's description names the relay
    return server.empty() ? ggml_backend_dev_description(dev) : "rpc-server " + server;
}

std::vector<ggml_backend_dev_t> offload_devices(const char * const * names, int32_t n) {
    backend_init();
    return n < 0 ? automatic_devices() : named_devices(names, n);
}

void log_offload(const llama_model * model, int32_t n_gpu_layers, const std::vector<ggml_backend_dev_t> & devices,
                 bool named) {
    const int32_t n_layers  = llama_model_n_layer(model) + 1;  // and the output layer, as llama.cpp counts them
    const int32_t requested = n_gpu_layers < 0 ? n_layers : std::min(n_gpu_layers, n_layers);
    if (requested == 0 || devices.empty()) {
        const std::string where = "all " + std::to_string(n_layers) + " layers on " +
                                  describe(ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU));
        if (requested > 0 && !named) {
            log_message(JPEGLM_LOG_WARN, "n_gpu_layers " + std::to_string(n_gpu_layers) +
                                             " offloads nothing: there is no GPU device (devices: " + all_devices() +
                                             skipped_note() + "); " + where);
        } else {
            log_message(JPEGLM_LOG_INFO, where + (requested > 0 ? " (the device list names no GPU)" : ""));
        }
        return;
    }
    std::string where;
    for (ggml_backend_dev_t dev : devices) {
        where += (where.empty() ? "" : ", ") + describe(dev);
    }
    log_message(JPEGLM_LOG_INFO,
                "offloading " + std::to_string(requested) + "/" + std::to_string(n_layers) + " layers to " + where);
}

}  // namespace jpeglm
