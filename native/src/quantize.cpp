// quantize.cpp — writing model files: quantizing one with llama.cpp's quantizer, saving trained weights.

#include "internal.h"

#include "ggml.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>

using namespace jpeglm;

namespace {

// The file types llama.cpp quantizes to without an importance matrix (jpeglm's Java FileType lists the same).
constexpr llama_ftype kQuantizable[] = {
    LLAMA_FTYPE_ALL_F32,     LLAMA_FTYPE_MOSTLY_F16,    LLAMA_FTYPE_MOSTLY_BF16,   LLAMA_FTYPE_MOSTLY_Q8_0,
    LLAMA_FTYPE_MOSTLY_Q6_K, LLAMA_FTYPE_MOSTLY_Q5_K_M, LLAMA_FTYPE_MOSTLY_Q5_K_S, LLAMA_FTYPE_MOSTLY_Q5_1,
    LLAMA_FTYPE_MOSTLY_Q5_0, LLAMA_FTYPE_MOSTLY_Q4_K_M, LLAMA_FTYPE_MOSTLY_Q4_K_S, LLAMA_FTYPE_MOSTLY_Q4_1,
    LLAMA_FTYPE_MOSTLY_Q4_0, LLAMA_FTYPE_MOSTLY_Q3_K_L, LLAMA_FTYPE_MOSTLY_Q3_K_M, LLAMA_FTYPE_MOSTLY_Q3_K_S,
    LLAMA_FTYPE_MOSTLY_Q2_K,
};

// Values per block of ggml's smallest quantization blocks: rows of other lengths cannot be quantized.
constexpr int64_t kQuantBlock = 32;

bool quantizable(int32_t ftype) {
    // Compared as integers: an int outside the enum's values must not be cast to it.
    return std::any_of(std::begin(kQuantizable), std::end(kQuantizable),
                       [ftype](llama_ftype type) { return (int32_t) type == ftype; });
}

// Every tensor of the source is unquantized and has rows llama.cpp can quantize.
void check_source_tensors(const gguf_context * meta) {
    for (int64_t i = 0; i < gguf_get_n_tensors(meta); i++) {
        const int64_t *      ne   = gguf_get_tensor_ne(meta, i);
        const enum ggml_type type = gguf_get_tensor_type(meta, i);
        if (type != GGML_TYPE_F32 && type != GGML_TYPE_F16 && type != GGML_TYPE_BF16) {
            fail(JPEGLM_ERR_UNSUPPORTED,
                 "tensor '%s' is already quantized (%s): quantize from an F32, F16 or BF16 file",
                 gguf_get_tensor_name(meta, i), ggml_type_name(type));
        }
        if (ne[1] > 1 && ne[0] % kQuantBlock != 0) {
            fail(JPEGLM_ERR_UNSUPPORTED,
                 "tensor '%s' has rows of %lld values, not a multiple of %lld: it cannot be quantized",
                 gguf_get_tensor_name(meta, i), (long long) ne[0], (long long) kQuantBlock);
        }
    }
}

}  // namespace

extern "C" {

int32_t jpeglm_quantize(const char * in_path, const char * out_path, int32_t ftype, int32_t n_threads) {
    return guarded([&] {
        require(in_path != nullptr && out_path != nullptr, "in_path or out_path is NULL");
        if (!quantizable(ftype)) {
            fail(JPEGLM_ERR_UNSUPPORTED, "file type %d is not supported (it is unknown or needs an importance matrix)",
                 ftype);
        }
        if (n_threads < 0) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_threads must not be negative (got %d)", n_threads);
        }
        if (std::strcmp(in_path, out_path) == 0) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "in_path and out_path are the same file");
        }
        backend_init();
        check_source_tensors(gguf_check(in_path).get());
        FILE * probe = fopen(out_path, "ab");
        if (probe == nullptr) {
            fail(JPEGLM_ERR_IO, "cannot write '%s': %s", out_path, strerror(errno));
        }
        fclose(probe);

        llama_model_quantize_params params = llama_model_quantize_default_params();
        params.nthread                     = n_threads;
        params.ftype                       = (enum llama_ftype) ftype;
        error_capture capture;
        if (llama_model_quantize(in_path, out_path, &params) != 0) {
            fail(JPEGLM_ERR_INTERNAL, "quantizing '%s' failed: %s", in_path,
                 capture.text_or("llama.cpp gave no reason").c_str());
        }
    });
}

int32_t jpeglm_model_save(const jpeglm_model * model, const char * path) {
    return guarded([&] {
        const jpeglm_model & m = model_ref(model);
        require(path != nullptr, "path is NULL");
        error_capture capture;
        llama_model_save_to_file(m.model, path);
        const std::string why = capture.text();
        if (!why.empty()) {
            fail(JPEGLM_ERR_IO, "cannot save the model to '%s': %s", path, why.c_str());
        }
    });
}

}  // extern "C"
