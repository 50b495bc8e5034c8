// gguf_check.cpp — the GGUF pre-check: what llama.cpp's loader would assert on, divide by or allocate from,
// checked first so that a bad file fails with a message instead of aborting the process. The hyper-parameters
// are in gguf_hparams.cpp.

#include "internal.h"

#include "ggml.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace jpeglm {

namespace {

constexpr int64_t kMaxTensorExtent = (int64_t) 1 << 40;  // past this a tensor dimension is surely corrupt

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

void check_architecture(const gguf_context * meta, const char * path) {
    const int64_t arch_id = gguf_find_key(meta, "general.architecture");
    if (arch_id < 0 || gguf_get_kv_type(meta, arch_id) != GGUF_TYPE_STRING) {
        fail(JPEGLM_ERR_FORMAT, "'%s' has no string 'general.architecture'", path);
    }
    const std::string arch = gguf_get_val_str(meta, arch_id);
    if (arch != "llama") {
        fail(JPEGLM_ERR_UNSUPPORTED, "model architecture '%.64s' is not supported: jpeglm runs 'llama' models",
             arch.c_str());
    }
}

// A type llama.cpp can compute with: vectors (norm weights) in f32, matrices of a type with a CPU dot product
// (ggml falls back to the CPU for what a GPU lacks). Any other valid ggml type passes the GGUF reader but
// aborts or calls a null function inside ggml (an i32 or q8_1 weight, found by fuzzing).
// Whether ggml's CPU backend has a dot product for weights of this type (type_traits_cpu[type].vec_dot in
// ggml-cpu.c at the pin). Listed here rather than asked of ggml-cpu: with dynamic backends (the prebuilt runtime)
// that library is loaded at run time and cannot be linked against.
bool has_cpu_dot(enum ggml_type type) {
    switch (type) {
        case GGML_TYPE_F32:
        case GGML_TYPE_F16:
        case GGML_TYPE_BF16:
        case GGML_TYPE_Q1_0:
        case GGML_TYPE_Q2_0:
        case GGML_TYPE_Q4_0:
        case GGML_TYPE_Q4_1:
        case GGML_TYPE_Q5_0:
        case GGML_TYPE_Q5_1:
        case GGML_TYPE_Q8_0:
        case GGML_TYPE_MXFP4:
        case GGML_TYPE_NVFP4:
        case GGML_TYPE_Q2_K:
        case GGML_TYPE_Q3_K:
        case GGML_TYPE_Q4_K:
        case GGML_TYPE_Q5_K:
        case GGML_TYPE_Q6_K:
        case GGML_TYPE_IQ2_XXS:
        case GGML_TYPE_IQ2_XS:
        case GGML_TYPE_IQ3_XXS:
        case GGML_TYPE_IQ3_S:
        case GGML_TYPE_IQ2_S:
        case GGML_TYPE_IQ1_S:
        case GGML_TYPE_IQ1_M:
        case GGML_TYPE_IQ4_NL:
        case GGML_TYPE_IQ4_XS:
        case GGML_TYPE_TQ1_0:
        case GGML_TYPE_TQ2_0:
            return true;
        default:
            return false;
    }
}

void check_tensor_type(const char * name, enum ggml_type type, const int64_t * ne) {
    const bool vector = ne[1] == 1 && ne[2] == 1 && ne[3] == 1;
    if (vector ? type != GGML_TYPE_F32
               : !has_cpu_dot(type) || (type != GGML_TYPE_F32 && ggml_get_type_traits(type)->to_float == nullptr)) {
        fail(JPEGLM_ERR_FORMAT, "tensor '%s' has type %s, which llama.cpp cannot compute with as a %s", name,
             ggml_type_name(type), vector ? "vector (norm weights are f32)" : "weight matrix");
    }
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
        check_tensor_type(name, gguf_get_tensor_type(meta, i), ne);
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
    check_architecture(meta.get(), path);
    gguf_check_hparams(meta.get());
    check_tensors(meta.get(), path, file_size);
    gguf_check_vocab(meta.get());
    return meta;
}

}  // namespace jpeglm
