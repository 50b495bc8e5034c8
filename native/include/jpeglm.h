// jpeglm.h — a small, stable C API over llama.cpp for running Jpeg-LM models.
//
// Rules of this API:
//   - Opaque handles; only scalars and pointers cross it (no llama.cpp type, no struct by value).
//   - Every fallible function returns a status code (JPEGLM_OK = 0) or a sentinel documented on it;
//     jpeglm_last_error() then describes the failure. The message is per thread.
//   - No input reachable through this API aborts the process: arguments are checked before llama.cpp sees them.
//   - A model may be used by many threads at once. A session must be used by one thread at a time,
//     except jpeglm_session_cancel(), which any thread may call.
//   - Token positions are per sequence; sequence ids run from 0 to n_seq - 1.
//
// One generation step for all active sequences is one call (jpeglm_session_step): sampling runs here, in
// native code, per sequence, with its own sampler and seed.
//
// Java binds this header through FFM (bindings/); a test there keeps the two identical: change both together.
#ifndef JPEGLM_H
#define JPEGLM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(JPEGLM_BUILD)
#define JPEGLM_API __attribute__((visibility("default")))
#else
#define JPEGLM_API
#endif

#define JPEGLM_API_VERSION 1

// Status codes.
#define JPEGLM_OK                   0
#define JPEGLM_ERR_INVALID_ARGUMENT 1   // an argument is out of range or null where it must not be
#define JPEGLM_ERR_IO               2   // a file cannot be opened, read or written
#define JPEGLM_ERR_FORMAT           3   // a file or buffer is malformed (not GGUF, truncated, inconsistent)
#define JPEGLM_ERR_UNSUPPORTED      4   // well-formed but not supported (architecture, tensor type, ...)
#define JPEGLM_ERR_OUT_OF_MEMORY    5   // host or device memory could not be allocated
#define JPEGLM_ERR_CONTEXT_FULL     6   // a sequence would exceed the session's context length
#define JPEGLM_ERR_CANCELLED        7   // jpeglm_session_cancel() stopped the call
#define JPEGLM_ERR_STATE            8   // the call does not fit the current state (e.g. no logits yet)
#define JPEGLM_ERR_COMPUTE          9   // llama.cpp failed to evaluate a batch
#define JPEGLM_ERR_INTERNAL         10  // an unexpected failure inside llama.cpp or jpeglm

// Log levels (the same values as ggml's).
#define JPEGLM_LOG_DEBUG 1
#define JPEGLM_LOG_INFO  2
#define JPEGLM_LOG_WARN  3
#define JPEGLM_LOG_ERROR 4

// Model load flags.
#define JPEGLM_MODEL_NO_MMAP       1  // read the weights into memory instead of memory-mapping the file
#define JPEGLM_MODEL_CHECK_TENSORS 2  // validate tensor data (NaN/Inf, quantization blocks) while loading

// Session flags.
#define JPEGLM_SESSION_KV_UNIFIED     1   // one KV buffer shared by all sequences (default: one per sequence)
#define JPEGLM_SESSION_FLASH_ATTN_ON  2   // force flash attention on (default: llama.cpp decides)
#define JPEGLM_SESSION_FLASH_ATTN_OFF 4   // force flash attention off
#define JPEGLM_SESSION_KV_F32         8   // keep the KV cache in F32 (default F16): exact, twice the memory
#define JPEGLM_SESSION_KV_Q8_0        16  // keep the KV cache in Q8_0: about half the memory, needs flash attention

// Threads (jpeglm_session_create, jpeglm_session_set_threads, jpeglm_session_set_poll).
#define JPEGLM_THREADS_AUTO 0  // chosen from the work per step and the usable CPUs, then tuned to measured speed
#define JPEGLM_DEFAULT_POLL 1  // a session's idle pool threads wait busily ~131,072 pause instructions, then sleep

// Device types (jpeglm_device_info).
#define JPEGLM_DEVICE_CPU   0  // the CPU, using system memory
#define JPEGLM_DEVICE_GPU   1  // a GPU with its own memory
#define JPEGLM_DEVICE_IGPU  2  // an integrated GPU, using system memory
#define JPEGLM_DEVICE_ACCEL 3  // an accelerator used together with the CPU (BLAS, AMX, ...)
#define JPEGLM_DEVICE_OTHER 4  // a device of another kind
#define JPEGLM_DEVICE_RPC   5  // a device of an rpc-server, on another machine (jpeglm_model_load_rpc)

// The most rpc-servers one model may use (ggml's GGML_RPC_MAX_SERVERS).
#define JPEGLM_RPC_MAX_SERVERS 16

typedef struct jpeglm_model   jpeglm_model;
typedef struct jpeglm_session jpeglm_session;
typedef struct jpeglm_trainer jpeglm_trainer;

// Receives one log message, a whole line (llama.cpp's pieces of one line are joined); text is valid only during the
// call. Called from any thread.
typedef void (*jpeglm_log_callback)(int32_t level, const char * text, void * user_data);

//
// Library
//

// The value of JPEGLM_API_VERSION this library was built with.
JPEGLM_API int32_t jpeglm_api_version(void);

// Describes the last failure on the calling thread; never NULL, "" if none. Valid until the next call on it.
JPEGLM_API const char * jpeglm_last_error(void);

// Initializes llama.cpp's backends once; later calls do nothing (or fail again with the same error). Other
// functions call it when needed. A library built on the prebuilt runtime loads ggml's backends here from its own
// folder: the best CPU variant and every GPU backend that can run, or only the files named in the environment
// variable JPEGLM_BACKENDS (comma-separated, e.g. "libggml-cpu-x64.so").
JPEGLM_API int32_t jpeglm_backend_init(void);

// Routes llama.cpp's and jpeglm's log messages at min_level or above to callback (NULL: to stderr).
JPEGLM_API void jpeglm_log_set(jpeglm_log_callback callback, int32_t min_level, void * user_data);

// The CPU features and backends in use, as one line of text; "" with an error if the backends cannot be loaded.
JPEGLM_API const char * jpeglm_system_info(void);

// 1 if a GPU backend is present and has a device, else 0.
JPEGLM_API int32_t jpeglm_gpu_offload_supported(void);

// The number of GPU backend libraries in libjpeglm's folder that are not in use (their driver or runtime, e.g.
// libvulkan.so.1 or libcudart, is missing, or they found no device), or -1 with an error; 0 when the backends
// are linked in. jpeglm_backend_init logs each at JPEGLM_LOG_INFO.
JPEGLM_API int32_t jpeglm_backend_skipped_count(void);

// Describes skipped backend index (0..count-1): its file name ("libggml-cuda.so") and why it is not in use (the
// dynamic loader's message), written into the buffers (NUL-terminated, truncated; NULL allowed with size 0).
JPEGLM_API int32_t jpeglm_backend_skipped_info(int32_t index, char * file, size_t file_size, char * reason,
                                               size_t reason_size);

// The CPUs this process may use (its affinity mask, capped by its cgroup's CPU quota: v2 cpu.max, v1
// cpu.cfs_quota_us) into out_cpus, and how they were found into why (NUL-terminated, truncated; NULL allowed with
// size 0). root NULL reads this process; a folder reads <root>/proc/self/status, <root>/proc/self/cgroup and
// <root>/sys/fs/cgroup/ instead (a container's view, tests).
JPEGLM_API int32_t jpeglm_cpu_budget(const char * root, int32_t * out_cpus, char * why, size_t why_size);

// The ggml thread pools the library's sessions hold now and have created since it was loaded (diagnostics).
JPEGLM_API int32_t jpeglm_threadpool_count(int64_t * out_live, int64_t * out_created);

// The number of devices the backends found (the CPU among them), or -1 with an error.
JPEGLM_API int32_t jpeglm_device_count(void);

// Describes device index (0..count-1): its name ("CPU", "Vulkan0", "CUDA0") and description, written into the
// buffers (NUL-terminated, truncated to their sizes; NULL allowed with size 0), its type (JPEGLM_DEVICE_*), and
// its free and total memory in bytes.
JPEGLM_API int32_t jpeglm_device_info(int32_t index, char * name, size_t name_size, char * description,
                                      size_t description_size, int32_t * out_type, uint64_t * out_memory_free,
                                      uint64_t * out_memory_total);

//
// Model
//

// Loads a GGUF model. n_gpu_layers < 0 offloads every layer, to the devices jpeglm picks: every CUDA device, else
// every Vulkan GPU, else none (the CPU); flags are JPEGLM_MODEL_*.
JPEGLM_API int32_t jpeglm_model_load(const char * path, int32_t n_gpu_layers, uint32_t flags,
                                     jpeglm_model ** out_model);

// Like jpeglm_model_load, offloading to the n_devices devices named in devices (jpeglm_device_info's names; a CPU
// device means the CPU, which runs the other layers anyway); n_devices 0 keeps every layer on the CPU; n_devices
// < 0 picks as jpeglm_model_load does (devices may be NULL). An unknown name fails with JPEGLM_ERR_UNSUPPORTED,
// listing the devices.
JPEGLM_API int32_t jpeglm_model_load_on_devices(const char * path, int32_t n_gpu_layers, uint32_t flags,
                                                const char * const * devices, int32_t n_devices,
                                                jpeglm_model ** out_model);

// Like jpeglm_model_load_on_devices, also offloading to the n_rpc rpc-servers named in rpc_servers ("host:port",
// distinct, at most JPEGLM_RPC_MAX_SERVERS; llama.cpp's --rpc): ggml's RPC backend runs layers there. Their devices
// come first, in that order, then the local ones named or picked; the offloaded layers are split among them by free
// memory, the others stay on the CPU. Each server must accept the connection and answer within timeout_ms, else
// the load fails with JPEGLM_ERR_IO naming it and why. A server lost later fails that call and every later call of
// the model with JPEGLM_ERR_IO naming it (free the model and load it again); nothing aborts. JPEGLM_ERR_UNSUPPORTED
// if this runtime has no RPC backend (node-llama-cpp's prebuilt packages have none).
JPEGLM_API int32_t jpeglm_model_load_rpc(const char * path, int32_t n_gpu_layers, uint32_t flags,
                                         const char * const * devices, int32_t n_devices,
                                         const char * const * rpc_servers, int32_t n_rpc, int32_t timeout_ms,
                                         jpeglm_model ** out_model);

// Frees a model; its sessions must be freed first. NULL is ignored.
JPEGLM_API void jpeglm_model_free(jpeglm_model * model);

// Hyper-parameters; each returns -1 with an error if model is NULL.
JPEGLM_API int32_t jpeglm_model_n_vocab(const jpeglm_model * model);
JPEGLM_API int32_t jpeglm_model_n_ctx_train(const jpeglm_model * model);
JPEGLM_API int32_t jpeglm_model_n_embd(const jpeglm_model * model);
JPEGLM_API int32_t jpeglm_model_n_layer(const jpeglm_model * model);
JPEGLM_API int32_t jpeglm_model_n_head(const jpeglm_model * model);
JPEGLM_API int32_t jpeglm_model_n_head_kv(const jpeglm_model * model);
JPEGLM_API int64_t jpeglm_model_n_params(const jpeglm_model * model);
JPEGLM_API int64_t jpeglm_model_size_bytes(const jpeglm_model * model);

// Writes a one-line description ("llama 28M F16": llama.cpp's, with the size from the parameter count where
// llama.cpp has no name for it) into buf (NUL-terminated, truncated to size).
JPEGLM_API int32_t jpeglm_model_desc(const jpeglm_model * model, char * buf, size_t size);

//
// Session: a llama.cpp context with n_seq independent sequences, their samplers, logits and masks.
//

// Creates a session. n_ctx: tokens per sequence; n_seq: sequences (1..256); n_batch: tokens per llama_decode
// (0: 512); n_threads: CPU threads for every decode (JPEGLM_THREADS_AUTO: chosen per kind of step and tuned, see
// jpeglm_session_threads); flags: JPEGLM_SESSION_*. Its thread pools are made at its first decode.
JPEGLM_API int32_t jpeglm_session_create(jpeglm_model * model, int32_t n_ctx, int32_t n_seq, int32_t n_batch,
                                         int32_t n_threads, uint32_t flags, jpeglm_session ** out_session);

// Frees a session. NULL is ignored.
JPEGLM_API void jpeglm_session_free(jpeglm_session * session);

// Size of the session; -1 with an error if session is NULL.
JPEGLM_API int32_t jpeglm_session_n_ctx(const jpeglm_session * session);
JPEGLM_API int32_t jpeglm_session_n_seq(const jpeglm_session * session);
JPEGLM_API int32_t jpeglm_session_n_vocab(const jpeglm_session * session);

// Sets the CPU threads for single-token decodes and for batches of several tokens (0 to 512 each;
// JPEGLM_THREADS_AUTO: chosen and tuned).
JPEGLM_API int32_t jpeglm_session_set_threads(jpeglm_session * session, int32_t n_threads, int32_t n_threads_batch);

// Sets how busily the session's idle pool threads wait for the next decode before sleeping, 0 (sleep at once) to
// 100, llama.cpp's --poll (JPEGLM_DEFAULT_POLL unless set); no effect on a CPU backend built with OpenMP.
JPEGLM_API int32_t jpeglm_session_set_poll(jpeglm_session * session, int32_t poll);

// Keeps the session's threads on the CPUs of mask, a hex bit mask as llama.cpp's --cpu-mask ("0x3": CPUs 0 and 1;
// of the affinity mask; the thread that calls a decode runs there during it and gets its own CPUs back after);
// NULL or "": no restriction.
JPEGLM_API int32_t jpeglm_session_set_cpu_mask(jpeglm_session * session, const char * mask);

// Leaves n_cpus (0 to 512; 0 unless set) of the usable CPUs to the process's other work — for example results
// decoded on other threads while the session writes more — when choosing and tuning automatic counts; at least one
// thread remains. Counts asked for are unchanged.
JPEGLM_API int32_t jpeglm_session_set_cpu_reserve(jpeglm_session * session, int32_t n_cpus);

// The CPU threads the session uses now for single-token decodes and for batches, and into why (NUL-terminated,
// truncated; NULL allowed with size 0) how they were chosen.
JPEGLM_API int32_t jpeglm_session_threads(const jpeglm_session * session, int32_t * out_n_threads,
                                          int32_t * out_n_threads_batch, char * why, size_t why_size);

// Replaces sequence seq's sampler. temperature <= 0 is greedy; top_k <= 0, top_p >= 1 and min_p <= 0 disable
// those filters. The same seed and logits give the same tokens. New sequences sample greedily.
JPEGLM_API int32_t jpeglm_session_set_sampler(jpeglm_session * session, int32_t seq, float temperature, int32_t top_k,
                                              float top_p, float min_p, uint64_t seed);

// Restricts sampling for seq to the tokens with allowed[token] != 0 (n == n_vocab; at least one allowed)
// until changed; allowed == NULL clears the mask. Raw logits are not changed.
JPEGLM_API int32_t jpeglm_session_set_mask(jpeglm_session * session, int32_t seq, const uint8_t * allowed, int32_t n);

// Appends tokens[i] to sequence seqs[i] for i < n, in order, evaluating them in batches of n_batch; afterwards
// each sequence named has the logits of its last token. On failure, the call's tokens are removed again and
// those sequences have no logits until their next successful decode.
JPEGLM_API int32_t jpeglm_session_decode(jpeglm_session * session, int32_t n, const int32_t * seqs,
                                         const int32_t * tokens);

// Like jpeglm_session_decode, and also writes out_logprobs[i] = ln p(tokens[i] | the tokens of seqs[i] before it):
// the log-likelihood of each token under the model (NaN for a sequence's first token if it had no logits). Every
// position's logits are computed, so it costs a little more than a decode.
JPEGLM_API int32_t jpeglm_session_score(jpeglm_session * session, int32_t n, const int32_t * seqs,
                                        const int32_t * tokens, float * out_logprobs);

// Samples one token for each of seqs[0..n-1] (distinct) from its current logits, mask applied, into out_tokens.
JPEGLM_API int32_t jpeglm_session_sample(jpeglm_session * session, int32_t n, const int32_t * seqs,
                                         int32_t * out_tokens);

// One generation step: jpeglm_session_sample, then jpeglm_session_decode of the sampled tokens, in one call.
JPEGLM_API int32_t jpeglm_session_step(jpeglm_session * session, int32_t n, const int32_t * seqs, int32_t * out_tokens);

// The current logits of seq (n_vocab floats, writable: edits affect its next sample), or NULL with an error
// if seq has none. Valid until the next decode, step, clear or free of the session.
JPEGLM_API float * jpeglm_session_logits(jpeglm_session * session, int32_t seq);

// Number of tokens in seq (its next position), or -1 with an error.
JPEGLM_API int32_t jpeglm_session_seq_length(const jpeglm_session * session, int32_t seq);

// Keeps the first n_keep tokens of seq (0: clears it) and drops its logits; seq < 0 applies to every sequence.
JPEGLM_API int32_t jpeglm_session_seq_truncate(jpeglm_session * session, int32_t seq, int32_t n_keep);

// Requests (cancelled != 0) or withdraws the cancellation of running and later decodes; any thread may call it.
// While requested, decode and step fail with JPEGLM_ERR_CANCELLED.
JPEGLM_API void jpeglm_session_cancel(jpeglm_session * session, int32_t cancelled);

// Bytes needed to save seq's state (KV cache, length, logits); -1 with an error.
JPEGLM_API int64_t jpeglm_session_state_size(jpeglm_session * session, int32_t seq);

// Saves seq's state into dst (size bytes) and stores the bytes used in out_written.
JPEGLM_API int32_t jpeglm_session_state_save(jpeglm_session * session, int32_t seq, uint8_t * dst, size_t size,
                                             size_t * out_written);

// Replaces seq's state with one saved from a session of the same model and n_vocab.
JPEGLM_API int32_t jpeglm_session_state_load(jpeglm_session * session, int32_t seq, const uint8_t * src, size_t size);

//
// Files
//

// Quantizes the GGUF model at in_path into out_path with llama.cpp's quantizer, keeping every metadata key.
// ftype is a llama.cpp file type (LLAMA_FTYPE_MOSTLY_*: 1 F16, 7 Q8_0, 15 Q4_K_M, 17 Q5_K_M, 18 Q6_K, ...;
// the types that need an importance matrix are refused); n_threads 0 uses every core. out_path is overwritten.
JPEGLM_API int32_t jpeglm_quantize(const char * in_path, const char * out_path, int32_t ftype, int32_t n_threads);

// Writes the model's current weights (e.g. after training) to path as GGUF, with llama.cpp's metadata for it.
JPEGLM_API int32_t jpeglm_model_save(const jpeglm_model * model, const char * path);

//
// Training: llama.cpp's optimizer (ggml-opt, AdamW) updates the weights of a model in place. The model must be
// loaded with JPEGLM_MODEL_NO_MMAP and hold only F32 tensors. Training data are windows of n_ctx tokens, n_ctx
// being the model's trained context length; each optimizer step takes n_ubatch tokens of a window.
// At the pinned commit llama.cpp does not train the token embedding, and its KV cache passes no gradient to the
// key/value projections: use it to fine-tune, not to train from scratch.
//

// Creates a trainer for model. n_ubatch must divide the context length (0: the whole window); n_threads 0 uses
// every core.
JPEGLM_API int32_t jpeglm_trainer_create(jpeglm_model * model, int32_t n_ubatch, int32_t n_threads,
                                         jpeglm_trainer ** out_trainer);

// Frees a trainer. NULL is ignored.
JPEGLM_API void jpeglm_trainer_free(jpeglm_trainer * trainer);

// The window length in tokens (the model's trained context length), or -1 with an error.
JPEGLM_API int32_t jpeglm_trainer_n_ctx(const jpeglm_trainer * trainer);

// Sets AdamW's parameters for the following steps (defaults: 1e-3, 0.9, 0.999, 1e-8, 0).
JPEGLM_API int32_t jpeglm_trainer_set_optimizer(jpeglm_trainer * trainer, float learning_rate, float beta1, float beta2,
                                                float eps, float weight_decay);

// Trains on windows [0, n_train) and then evaluates windows [n_train, n_windows). tokens and labels hold n_windows
// windows of n_ctx token ids each; labels[i] is the token that should follow tokens[i]. Writes the mean
// cross-entropy (nats per token) of the trained and of the evaluated windows (NaN where there are none).
JPEGLM_API int32_t jpeglm_trainer_run(jpeglm_trainer * trainer, int64_t n_windows, int64_t n_train,
                                      const int32_t * tokens, const int32_t * labels, float * out_train_loss,
                                      float * out_eval_loss);

#ifdef __cplusplus
}
#endif

#endif  // JPEGLM_H
