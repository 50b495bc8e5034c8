// training.cpp — fine-tuning a model's weights in place with llama.cpp's optimizer (ggml-opt, AdamW).

#include "internal.h"

#include "ggml-opt.h"
#include "ggml.h"

#include <climits>
#include <cmath>
#include <cstring>
#include <limits>

struct jpeglm_trainer {
    jpeglm_model *            model   = nullptr;
    llama_context *           ctx     = nullptr;
    int32_t                   n_ctx   = 0;
    int32_t                   n_vocab = 0;
    ggml_opt_optimizer_params opt{};

    ~jpeglm_trainer() { jpeglm::release_context(ctx, model); }
};

using namespace jpeglm;

namespace {

constexpr int32_t kMaxTrainContext     = 1 << 20;  // longest window trained on, in tokens
constexpr float   kDefaultLearningRate = 1e-3f;    // AdamW's defaults as jpeglm.h documents them
constexpr float   kDefaultWeightDecay  = 0.0f;

struct dataset_ptr {
    ggml_opt_dataset_t dataset = nullptr;

    ~dataset_ptr() {
        if (dataset) {
            ggml_opt_dataset_free(dataset);
        }
    }
};

struct result_ptr {
    ggml_opt_result_t result = ggml_opt_result_init();

    ~result_ptr() { ggml_opt_result_free(result); }
};

// The model can be trained: weights in writable memory, all F32; returns its context length.
int32_t check_trainable(const jpeglm_model & model) {
    if (!model.in_memory) {
        fail(JPEGLM_ERR_STATE, "training changes the weights: load the model with JPEGLM_MODEL_NO_MMAP");
    }
    const gguf_context * meta = model.meta.get();
    for (int64_t i = 0; i < gguf_get_n_tensors(meta); i++) {
        const enum ggml_type type = gguf_get_tensor_type(meta, i);
        if (type != GGML_TYPE_F32) {
            fail(JPEGLM_ERR_UNSUPPORTED, "training needs F32 weights; tensor '%s' is %s", gguf_get_tensor_name(meta, i),
                 ggml_type_name(type));
        }
    }
    const int32_t n_ctx = llama_model_n_ctx_train(model.model);
    if (n_ctx < 1 || n_ctx > kMaxTrainContext) {
        fail(JPEGLM_ERR_FORMAT, "the model's context length %d cannot be trained", n_ctx);
    }
    return n_ctx;
}

llama_context_params training_params(int32_t n_ctx, int32_t n_ubatch, int32_t n_threads) {
    llama_context_params params = llama_context_default_params();
    params.n_ctx                = (uint32_t) n_ctx;
    params.n_batch              = (uint32_t) n_ctx;
    params.n_ubatch             = (uint32_t) n_ubatch;
    params.n_seq_max            = 1;
    params.n_threads            = n_threads;
    params.n_threads_batch      = n_threads;
    params.type_k               = GGML_TYPE_F32;
    params.type_v               = GGML_TYPE_F32;
    params.flash_attn_type      = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    params.no_perf              = true;
    return params;
}

// llama.cpp hands its thread count to the CPU backend only when it evaluates a batch itself; its training loop
// does not, and would run on ggml's default of 4 threads. One token through llama_decode sets it.
void apply_thread_count(llama_context * ctx) {
    error_capture capture;
    llama_batch   one   = llama_batch_get_one(nullptr, 0);
    llama_token   token = 0;
    one.token           = &token;
    one.n_tokens        = 1;
    if (llama_decode(ctx, one) != 0) {
        fail(JPEGLM_ERR_COMPUTE, "cannot run the training context: %s", capture.text_or("llama_decode failed").c_str());
    }
    llama_memory_clear(llama_get_memory(ctx), true);
}

void init_optimizer(jpeglm_trainer & t) {
    t.opt             = ggml_opt_get_default_optimizer_params(nullptr);
    t.opt.adamw.alpha = kDefaultLearningRate;
    t.opt.adamw.wd    = kDefaultWeightDecay;

    llama_opt_params params{};
    params.n_ctx_train     = 0;
    params.param_filter    = llama_opt_param_filter_all;
    params.param_filter_ud = nullptr;
    params.get_opt_pars    = [](void * trainer) { return ((jpeglm_trainer *) trainer)->opt; };
    params.get_opt_pars_ud = &t;
    params.optimizer_type  = GGML_OPT_OPTIMIZER_TYPE_ADAMW;
    error_capture capture;
    llama_opt_init(t.ctx, t.model->model, params);
}

void check_run_args(const jpeglm_trainer & t, int64_t n_windows, int64_t n_train, const int32_t * tokens,
                    const int32_t * labels) {
    if (n_windows < 1 || n_train < 0 || n_train > n_windows) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "need 1 <= n_windows and 0 <= n_train <= n_windows (got %lld, %lld)",
             (long long) n_windows, (long long) n_train);
    }
    if (n_windows > (int64_t) INT32_MAX / t.n_ctx) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "too many windows: %lld", (long long) n_windows);
    }
    require(tokens != nullptr && labels != nullptr, "tokens or labels is NULL");
    const int64_t n_tokens = n_windows * t.n_ctx;
    for (int64_t i = 0; i < n_tokens; i++) {
        if (tokens[i] < 0 || tokens[i] >= t.n_vocab || labels[i] < 0 || labels[i] >= t.n_vocab) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "token or label at index %lld is out of range [0, %d)", (long long) i,
                 t.n_vocab);
        }
    }
}

// The mean loss of an epoch's result, NaN if it saw no data.
float mean_loss(ggml_opt_result_t result) {
    int64_t n_data = 0;
    ggml_opt_result_ndata(result, &n_data);
    if (n_data == 0) {
        return std::numeric_limits<float>::quiet_NaN();
    }
    double loss = 0, uncertainty = 0;
    ggml_opt_result_loss(result, &loss, &uncertainty);
    return (float) loss;
}

}  // namespace

extern "C" {

int32_t jpeglm_trainer_create(jpeglm_model * model, int32_t n_ubatch, int32_t n_threads,
                              jpeglm_trainer ** out_trainer) {
    return guarded([&] {
        require(out_trainer != nullptr, "out_trainer is NULL");
        *out_trainer = nullptr;
        require(model != nullptr, "model is NULL");
        const int32_t n_ctx = check_trainable(*model);
        if (n_ubatch == 0) {
            n_ubatch = n_ctx;
        }
        if (n_ubatch < 1 || n_ctx % n_ubatch != 0) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_ubatch %d must divide the context length %d", n_ubatch, n_ctx);
        }
        if (n_threads < 0) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "n_threads must not be negative (got %d)", n_threads);
        }
        if (n_threads == 0) {
            n_threads = default_threads();
        }

        auto t = std::make_unique<jpeglm_trainer>();
        {
            error_capture capture;
            t->ctx = llama_init_from_model(model->model, training_params(n_ctx, n_ubatch, n_threads));
            if (t->ctx == nullptr) {
                fail(JPEGLM_ERR_OUT_OF_MEMORY, "cannot create a training context: %s",
                     capture.text_or("llama.cpp refused it").c_str());
            }
        }
        t->model = model;
        model->n_contexts.fetch_add(1);
        // llama.cpp's training loop reads windows of the model's context length into buffers of the context's
        // length: the two must agree.
        if ((int32_t) llama_n_ctx(t->ctx) != n_ctx) {
            fail(JPEGLM_ERR_UNSUPPORTED,
                 "llama.cpp made a context of %u tokens for a model trained on %d; use a context length "
                 "that is a multiple of 256",
                 llama_n_ctx(t->ctx), n_ctx);
        }
        t->n_ctx   = n_ctx;
        t->n_vocab = model->n_vocab;
        apply_thread_count(t->ctx);
        init_optimizer(*t);
        *out_trainer = t.release();
    });
}

void jpeglm_trainer_free(jpeglm_trainer * trainer) {
    delete trainer;
}

int32_t jpeglm_trainer_n_ctx(const jpeglm_trainer * trainer) {
    return guarded_value<int32_t>(-1, [&] {
        require(trainer != nullptr, "trainer is NULL");
        return trainer->n_ctx;
    });
}

int32_t jpeglm_trainer_set_optimizer(jpeglm_trainer * trainer, float learning_rate, float beta1, float beta2, float eps,
                                     float weight_decay) {
    return guarded([&] {
        require(trainer != nullptr, "trainer is NULL");
        auto finite = [](float v) { return std::isfinite(v); };
        // ggml-opt asserts (aborts) on a learning rate of 0.
        if (!finite(learning_rate) || learning_rate <= 0 || !finite(beta1) || beta1 < 0 || beta1 >= 1 ||
            !finite(beta2) || beta2 < 0 || beta2 >= 1 || !finite(eps) || eps <= 0 || !finite(weight_decay) ||
            weight_decay < 0 || weight_decay > 1) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT,
                 "AdamW parameters out of range (lr %g, beta1 %g, beta2 %g, eps %g, weight decay %g)", learning_rate,
                 beta1, beta2, eps, weight_decay);
        }
        trainer->opt.adamw.alpha = learning_rate;
        trainer->opt.adamw.beta1 = beta1;
        trainer->opt.adamw.beta2 = beta2;
        trainer->opt.adamw.eps   = eps;
        trainer->opt.adamw.wd    = weight_decay;
    });
}

int32_t jpeglm_trainer_run(jpeglm_trainer * trainer, int64_t n_windows, int64_t n_train, const int32_t * tokens,
                           const int32_t * labels, float * out_train_loss, float * out_eval_loss) {
    return guarded([&] {
        require(trainer != nullptr, "trainer is NULL");
        jpeglm_trainer & t = *trainer;
        check_run_args(t, n_windows, n_train, tokens, labels);
        const int64_t n_tokens = n_windows * t.n_ctx;
        dataset_ptr   data;
        result_ptr    train, eval;
        data.dataset = ggml_opt_dataset_init(GGML_TYPE_I32, GGML_TYPE_I32, t.n_ctx, t.n_ctx, n_windows, 1);
        std::memcpy(ggml_opt_dataset_data(data.dataset)->data, tokens, sizeof(int32_t) * n_tokens);
        std::memcpy(ggml_opt_dataset_labels(data.dataset)->data, labels, sizeof(int32_t) * n_tokens);
        {
            error_capture capture;
            llama_opt_epoch(t.ctx, data.dataset, train.result, eval.result, n_train, nullptr, nullptr);
            const std::string why = capture.text();
            if (!why.empty()) {
                fail(JPEGLM_ERR_COMPUTE, "training failed: %s", why.c_str());
            }
        }
        if (out_train_loss) {
            *out_train_loss = mean_loss(train.result);
        }
        if (out_eval_loss) {
            *out_eval_loss = mean_loss(eval.result);
        }
    });
}

}  // extern "C"
