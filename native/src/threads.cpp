// threads.cpp — a session's CPU threads: ggml thread pools made once and attached to its context, and the
// automatic count, chosen from the work per step and the usable CPUs and then adapted to how fast steps run.
//
// Why adapt: ggml's threads meet at a barrier after every operation of a graph. When another process holds one of
// the cores, a thread that waits there for a descheduled peer wastes its time slice (without OpenMP ggml's barrier
// spins without end), so on a busy machine two threads can be ten times slower than one, while on an idle one they
// are faster. No count fixed in advance is right in both cases; measuring which is faster is.

#include "internal.h"

#include "ggml-backend.h"
#include "ggml-cpu.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <dirent.h>
#include <unistd.h>
#include <ctime>

namespace jpeglm {

namespace {

std::atomic<int64_t> g_pools_live{0};
std::atomic<int64_t> g_pools_created{0};

// ggml's thread pool functions, from the CPU backend's registry: the prebuilt runtime's CPU backend is a library
// loaded at start (one of its variants), so they are reached as llama.cpp's own tools reach them.
struct pool_functions {
    decltype(ggml_threadpool_new) *  create = nullptr;
    decltype(ggml_threadpool_free) * free   = nullptr;
    bool                             openmp = false;  // the CPU backend runs graphs on OpenMP's threads
};

const pool_functions & pool_api() {
    static const pool_functions api = [] {
        pool_functions f;
        // JPEGLM_THREADPOOL=off: no pools, ggml's threads made anew for each graph (to compare, or to rule pools out).
        const char * env = std::getenv("JPEGLM_THREADPOOL");
        if (env != nullptr && std::strcmp(env, "off") == 0) {
            return f;
        }
        ggml_backend_dev_t cpu = ggml_backend_dev_by_type(GGML_BACKEND_DEVICE_TYPE_CPU);
        ggml_backend_reg_t reg = cpu ? ggml_backend_dev_backend_reg(cpu) : nullptr;
        if (reg == nullptr) {
            return f;
        }
        f.create = (decltype(f.create)) ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new");
        f.free   = (decltype(f.free)) ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free");
        if (f.create == nullptr || f.free == nullptr) {
            f.create = nullptr;
            f.free   = nullptr;
        }
        auto features =
            (ggml_backend_get_features_t) ggml_backend_reg_get_proc_address(reg, "ggml_backend_get_features");
        for (ggml_backend_feature * it = features ? features(reg) : nullptr; it && it->name; it++) {
            f.openmp = f.openmp || (std::strcmp(it->name, "OPENMP") == 0 && std::strcmp(it->value, "1") == 0);
        }
        return f;
    }();
    return api;
}

// One parameter-token of work per step, per thread: below this a thread more costs more in synchronization than it
// saves (measured on the bundled models: docs/runtime.md, "Threads").
constexpr double kWorkPerThread = 8e6;

// The count for steps of n_tokens tokens of a model of n_params parameters, at most cpus.
int32_t threads_for_work(int64_t n_params, int32_t n_tokens, int32_t cpus) {
    const double work = (double) n_params * n_tokens;
    return (int32_t) std::clamp<double>(std::ceil(work / kWorkPerThread), 1.0, (double) cpus);
}

std::string params_text(int64_t n_params) {
    char buf[32];
    snprintf(buf, sizeof buf, n_params >= 1000000000 ? "%.1fB" : "%.1fM",
             n_params / (n_params >= 1000000000 ? 1e9 : 1e6));
    return buf;
}

int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// JPEGLM_THREADS_TEST=busy-machine: the machine's other work fills every CPU (tests of what the automatic count
// does then).
bool busy_machine_for_tests() {
    static const bool on = [] {
        const char * env = std::getenv("JPEGLM_THREADS_TEST");
        return env != nullptr && std::strcmp(env, "busy-machine") == 0;
    }();
    return on;
}

// This process's threads runnable now ("R" in /proc/self/task/*/stat), the calling one among them; 0 if unknown.
int32_t own_runnable_now() {
    DIR * dir = opendir("/proc/self/task");
    if (dir == nullptr) {
        return 0;
    }
    int32_t n = 0;
    while (const dirent * e = readdir(dir)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') {
            continue;
        }
        const std::string path = std::string("/proc/self/task/") + e->d_name + "/stat";
        if (FILE * f = std::fopen(path.c_str(), "r")) {
            char line[512];
            if (std::fgets(line, sizeof line, f) != nullptr) {
                const char * end = std::strrchr(line, ')');  // the name may hold spaces and parentheses
                n += end != nullptr && end[1] == ' ' && end[2] == 'R' ? 1 : 0;
            }
            std::fclose(f);
        }
    }
    closedir(dir);
    return n;
}

// The machine's other tasks runnable now: /proc/loadavg's runnable count less this process's own (a previous
// session's spinning pool or OpenMP threads, the JIT: not others' work); 0 if unknown. The other work at a
// session's start, before there is a while to measure it over.
int32_t others_runnable_now() {
    if (busy_machine_for_tests()) {
        return 1000;
    }
    int32_t now = 0;
    if (FILE * f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%*f %*f %*f %d", &now) != 1) {
            now = 0;
        }
        std::fclose(f);
    }
    return std::max(0, now - std::max(1, own_runnable_now()));
}

// JPEGLM_THREADS_TEST=stop-tries: a try at every decode, its decode stopped at once (tests of the stop and retry).
bool stop_tries_for_tests() {
    static const bool on = [] {
        const char * env = std::getenv("JPEGLM_THREADS_TEST");
        return env != nullptr && std::strcmp(env, "stop-tries") == 0;
    }();
    return on;
}

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f s", s);
    return buf;
}

// The idle seconds of the CPUs in this process's affinity mask (all if unknown) and their number, from /proc/stat's
// per-CPU lines (idle and iowait: counted from the kernel's idle clock, finer than its tick-sampled busy columns).
cpu_look look_at_cpus() {
    static const double            hz   = (double) sysconf(_SC_CLK_TCK);
    static const std::vector<bool> mask = affinity_mask();
    cpu_look                       look;
    look.wall = now_ns() / 1e9;
    timespec self{};
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &self) == 0) {
        look.self = (double) self.tv_sec + self.tv_nsec * 1e-9;
    }
    FILE * f = std::fopen("/proc/stat", "r");
    if (f == nullptr || hz <= 0) {
        if (f != nullptr) {
            std::fclose(f);
        }
        return look;
    }
    double  idle = 0;
    int32_t cpus = 0;
    char    line[512];
    while (std::fgets(line, sizeof line, f) != nullptr) {
        unsigned           cpu  = 0;
        unsigned long long v[5] = {};
        // "cpu" then a digit: one CPU's line (the first line, all CPUs, has none).
        if (std::strncmp(line, "cpu", 3) != 0 || line[3] < '0' || line[3] > '9' ||
            std::sscanf(line + 3, "%u %llu %llu %llu %llu %llu", &cpu, &v[0], &v[1], &v[2], &v[3], &v[4]) != 6) {
            continue;
        }
        if (!mask.empty() && (cpu >= mask.size() || !mask[cpu])) {
            continue;
        }
        idle += (double) (v[3] + v[4]) / hz;
        cpus++;
    }
    std::fclose(f);
    if (cpus > 0) {
        look.idle = idle;
        look.cpus = cpus;
    }
    return look;
}

// The shortest while a look measures others' work over: /proc/stat counts in clock ticks (10 ms), per CPU.
constexpr double kMinLook = 0.05;

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// session_threads

session_threads::~session_threads() {
    for (pool & p : pools_) {
        free_pool(p);
    }
}

void session_threads::init(int64_t n_params, int32_t n_seq, int32_t n_batch) {
    n_params_ = n_params;
    n_seq_    = n_seq;
    n_batch_  = n_batch;
    budget_   = usable_cpus("");
}

void session_threads::configure(int32_t n_threads, int32_t n_threads_batch) {
    for (int32_t n : {n_threads, n_threads_batch}) {
        if (n < 0 || n > GGML_MAX_N_THREADS) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "thread counts must be 0 (automatic) to %d (got %d)", GGML_MAX_N_THREADS,
                 n);
        }
    }
    const int32_t cpus = max_auto_threads();
    asked_[0]          = n_threads;
    asked_[1]          = n_threads_batch;
    // A step of every sequence at once is the usual batch; with one sequence, a batch is a prompt.
    const int32_t batch_tokens = std::max(2, n_seq_ > 1 ? n_seq_ : std::min(n_batch_, 16));
    // Too many threads is the costly mistake on a busy machine (each waits for descheduled peers), too few the
    // cheap one: start with no more than the CPUs the tasks runnable now leave, and let the tuner climb.
    const int32_t others   = others_runnable_now();
    const int32_t idle     = std::max(1, cpus - others);
    const int32_t start[2] = {std::min(idle, threads_for_work(n_params_, 1, cpus)),
                              std::min(idle, threads_for_work(n_params_, batch_tokens, cpus))};
    const bool    always   = stop_tries_for_tests();
    tuners_[0].reset(n_threads > 0 ? n_threads : start[0], cpus, n_threads == 0, always);
    tuners_[1].reset(n_threads_batch > 0 ? n_threads_batch : start[1], cpus, n_threads_batch == 0, always);
    batch_tokens_ = batch_tokens;
    look_         = look_at_cpus();
    start_why_    = std::to_string(others) + (others == 1 ? " other task" : " other tasks") + " runnable then";
}

void session_threads::set_poll(int32_t poll) {
    if (poll < 0 || poll > 100) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "poll must be 0 to 100 (got %d)", poll);
    }
    if (poll != poll_) {
        poll_ = poll;
        retire_pools();
    }
}

void session_threads::set_cpu_mask(const char * hex) {
    std::vector<bool> mask;
    if (hex != nullptr && *hex != '\0') {
        mask = parse_cpu_mask(hex);
    }
    cpu_mask_ = mask;
    CPU_ZERO(&mask_cpus_);
    for (size_t i = 0; i < cpu_mask_.size() && i < CPU_SETSIZE; i++) {
        if (cpu_mask_[i]) {
            CPU_SET(i, &mask_cpus_);
        }
    }
    retire_pools();
    // The automatic counts' bound follows the mask.
    configure(asked_[0], asked_[1]);
}

void session_threads::set_reserve(int32_t n_cpus) {
    if (n_cpus < 0 || n_cpus > GGML_MAX_N_THREADS) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "the CPUs reserved must be 0 to %d (got %d)", GGML_MAX_N_THREADS, n_cpus);
    }
    reserve_ = n_cpus;
    // The automatic counts' bound follows the reserve.
    configure(asked_[0], asked_[1]);
}

int32_t session_threads::max_auto_threads() const {
    return std::max(1, max_threads() - reserve_);
}

int32_t session_threads::max_threads() const {
    if (cpu_mask_.empty()) {
        return budget_.cpus;
    }
    const int32_t in_mask = (int32_t) std::count(cpu_mask_.begin(), cpu_mask_.end(), true);
    return std::max(1, std::min(budget_.cpus, in_mask));
}

void session_threads::before_decode(llama_context * ctx, int32_t n_tokens, bool may_stop) {
    restore_cpus_ = !cpu_mask_.empty() && sched_getaffinity(0, sizeof caller_cpus_, &caller_cpus_) == 0 &&
                    sched_setaffinity(0, sizeof mask_cpus_, &mask_cpus_) == 0;
    phase_  = n_tokens > 1 ? 1 : 0;
    count_  = tuners_[phase_].next([this] { return free_cpus(); });
    tokens_ = n_tokens;
    int32_t c[2];
    c[phase_]               = count_;
    c[1 - phase_]           = tuners_[1 - phase_].current();
    ggml_threadpool_t tp[2] = {pool_for(c[0]), pool_for(c[1])};
    const double      limit = may_stop ? tuners_[phase_].time_limit(n_tokens) : 0;
    deadline_ns_.store(limit > 0 ? now_ns() + (int64_t) (limit * 1e9) : 0);
    fired_.store(false);
    checks_  = 0;
    stopped_ = false;
    if (tp[0] != attached_[0] || tp[1] != attached_[1] || c[0] != counts_[0] || c[1] != counts_[1]) {
        llama_attach_threadpool(ctx, tp[0], tp[1]);
        llama_set_n_threads(ctx, c[0], c[1]);
        attached_[0] = tp[0];
        attached_[1] = tp[1];
        counts_[0]   = c[0];
        counts_[1]   = c[1];
    }
}

double session_threads::free_cpus() {
    if (busy_machine_for_tests()) {
        return 0;
    }
    const cpu_look now = look_at_cpus();
    if (now.wall - look_.wall < kMinLook) {
        return 0;  // too short a while to tell: no try of more threads yet (the tuner looks again later)
    }
    const double free = free_cpus_between(look_, now, max_threads(), tuners_[phase_].current());
    look_             = now;
    return free;
}

bool session_threads::past_deadline() const {
    const int64_t deadline = deadline_ns_.load(std::memory_order_relaxed);
    if (deadline == 0) {
        return false;
    }
    // The test mode stops at the 100th check (ggml checks once per graph node): in the second micro-batch of a step of
    // the tests' tiny model (65 nodes a graph) whose sequences are not numbered one after the other.
    const bool past = stop_tries_for_tests() ? ++checks_ > 100 : now_ns() > deadline;
    if (past) {
        fired_.store(true, std::memory_order_relaxed);
    }
    return past;
}

void session_threads::after_decode(bool ok, double seconds) {
    if (restore_cpus_) {
        sched_setaffinity(0, sizeof caller_cpus_, &caller_cpus_);
        restore_cpus_ = false;
    }
    stopped_ = !ok && fired_.load();
    deadline_ns_.store(0);
    // The CPU backend keeps the pool of its last graph and pauses it when given another: a pool it may still hold is
    // never freed. After a failed decode it may hold the pool of an earlier one.
    if (ok) {
        held_.clear();
    }
    for (ggml_threadpool_t tp : attached_) {
        if (tp != nullptr && std::find(held_.begin(), held_.end(), tp) == held_.end()) {
            held_.push_back(tp);
        }
    }
    if (ok || stopped_) {
        thread_tuner & tuner  = tuners_[phase_];
        const int32_t  before = tuner.current();
        if (ok) {
            tuner.record(count_, seconds, tokens_);
        } else {
            tuner.stopped(seconds);
        }
        if (tuner.current() != before) {
            log_message(JPEGLM_LOG_DEBUG, "session threads for " + std::string(phase_ ? "batches" : "single tokens") +
                                              ": " + std::to_string(before) + " -> " + std::to_string(tuner.current()) +
                                              " (measured faster per token)");
        }
    }
    evict_pools();
}

ggml_threadpool_t session_threads::pool_for(int32_t n_threads) {
    const pool_functions & api = pool_api();
    if (api.create == nullptr) {
        return nullptr;  // ggml makes its threads for each graph, as without a pool
    }
    for (pool & p : pools_) {
        if (p.tp != nullptr && !p.retired && p.n_threads == n_threads) {
            p.last_use = ++uses_;
            return p.tp;
        }
    }
    ggml_threadpool_params params = ggml_threadpool_params_default(n_threads);
    params.poll                   = (uint32_t) poll_;
    params.paused                 = true;  // its threads sleep until its first graph
    for (size_t i = 0; i < cpu_mask_.size() && i < GGML_MAX_N_THREADS; i++) {
        params.cpumask[i] = cpu_mask_[i];
    }
    ggml_threadpool_t tp = api.create(&params);
    if (tp == nullptr) {
        fail(JPEGLM_ERR_OUT_OF_MEMORY, "cannot create a pool of %d threads", n_threads);
    }
    g_pools_live.fetch_add(1);
    g_pools_created.fetch_add(1);
    pools_.push_back(pool{tp, n_threads, false, ++uses_});
    return tp;
}

void session_threads::retire_pools() {
    for (pool & p : pools_) {
        p.retired = true;
    }
    attached_[0] = attached_[1] = nullptr;  // the next decode attaches new pools
    evict_pools();
}

void session_threads::evict_pools() {
    // Pools kept: the ones attached now, and those the two tuners may go back to (few, and only when they try them).
    constexpr size_t kKeep  = 4;
    auto             in_use = [&](const pool & p) {
        return p.tp == attached_[0] || p.tp == attached_[1] ||
               std::find(held_.begin(), held_.end(), p.tp) != held_.end();
    };
    size_t live = 0;
    for (const pool & p : pools_) {
        live += p.retired ? 0 : 1;
    }
    for (pool & p : pools_) {
        if (in_use(p)) {
            continue;
        }
        if (p.retired) {
            free_pool(p);
        }
    }
    while (live > kKeep) {
        pool * oldest = nullptr;
        for (pool & p : pools_) {
            if (p.tp != nullptr && !in_use(p) && (oldest == nullptr || p.last_use < oldest->last_use)) {
                oldest = &p;
            }
        }
        if (oldest == nullptr) {
            break;
        }
        free_pool(*oldest);
        live--;
    }
    pools_.erase(std::remove_if(pools_.begin(), pools_.end(), [](const pool & p) { return p.tp == nullptr; }),
                 pools_.end());
}

void session_threads::free_pool(pool & p) {
    if (p.tp != nullptr) {
        pool_api().free(p.tp);
        p.tp = nullptr;
        g_pools_live.fetch_sub(1);
    }
}

int32_t session_threads::current(bool batch) const {
    return tuners_[batch ? 1 : 0].current();
}

std::string session_threads::describe() const {
    std::string   text;
    const char *  name[2]  = {"single tokens", "batches"};
    const int32_t cpus     = max_auto_threads();
    const bool    any_auto = asked_[0] == 0 || asked_[1] == 0;
    for (int i = 0; i < 2; i++) {
        text += (i ? "; " : "") + std::to_string(tuners_[i].current()) + " for " + name[i];
        if (asked_[i] > 0) {
            text += " (asked for)";
        } else {
            text += " (automatic: " + params_text(n_params_) + " parameters x " +
                    std::to_string(i ? batch_tokens_ : 1) + (i ? " tokens" : " token") + " a step";
            if (tuners_[i].adaptive()) {
                text += ", adapted between 1 and " + std::to_string(cpus) + " by measured speed, " +
                        std::to_string(tuners_[i].changes()) + " changes in " + std::to_string(tuners_[i].tries()) +
                        " tries, " + std::to_string(tuners_[i].stops()) + " of them stopped early, " +
                        seconds_text(tuners_[i].tried_seconds()) + " of " + seconds_text(tuners_[i].seconds()) +
                        " at tried counts, " + std::to_string(tuners_[i].held_back()) +
                        " tries of more held back as other work left no CPU free";
                if (tuners_[i].last_free() >= 0) {
                    char free[64];
                    std::snprintf(free, sizeof free, " (%.2f free at the last look)", tuners_[i].last_free());
                    text += free;
                }
            }
            text += ")";
        }
    }
    if (any_auto) {
        text += "; usable CPUs " + std::to_string(max_threads()) + ": " + budget_.why +
                "; started with at most the CPUs the " + start_why_ + " left";
        if (!cpu_mask_.empty()) {
            text += ", cpu mask";
        }
        if (reserve_ > 0) {
            text += "; " + std::to_string(reserve_) + (reserve_ == 1 ? " CPU" : " CPUs") +
                    " left to the process's other work";
        }
    }
    const pool_functions & api = pool_api();
    if (api.create == nullptr) {
        text += "; no thread pool (JPEGLM_THREADPOOL=off, or the CPU backend has none)";
    } else if (api.openmp) {
        text += "; OpenMP threads (poll has no effect: OMP_WAIT_POLICY and GOMP_SPINCOUNT govern waiting)";
    } else {
        text += "; thread pool, poll " + std::to_string(poll_);
    }
    return text;
}

std::vector<bool> parse_cpu_mask(const std::string & hex) {
    std::string digits = hex;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits = digits.substr(2);
    }
    if (digits.empty() || digits.size() * 4 > GGML_MAX_N_THREADS) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "a CPU mask is 1 to %d hexadecimal digits (got \"%s\")",
             GGML_MAX_N_THREADS / 4, hex.c_str());
    }
    std::vector<bool> mask(digits.size() * 4, false);
    for (size_t i = 0; i < digits.size(); i++) {
        const char c = digits[digits.size() - 1 - i];  // the last digit holds CPUs 0-3
        int        v = c >= '0' && c <= '9'   ? c - '0'
                       : c >= 'a' && c <= 'f' ? c - 'a' + 10
                       : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (v < 0) {
            fail(JPEGLM_ERR_INVALID_ARGUMENT, "a CPU mask is hexadecimal (got \"%s\")", hex.c_str());
        }
        for (int b = 0; b < 4; b++) {
            mask[i * 4 + b] = (v >> b) & 1;
        }
    }
    // Only the CPUs this process may run on count; a mask without one would leave the threads nowhere to run.
    const std::vector<bool> allowed = affinity_mask();
    bool                    any     = false;
    for (size_t i = 0; i < mask.size(); i++) {
        mask[i] = mask[i] && (allowed.empty() || (i < allowed.size() && allowed[i]));
        any     = any || mask[i];
    }
    if (!any) {
        fail(JPEGLM_ERR_INVALID_ARGUMENT, "the CPU mask \"%s\" names no CPU this process may use", hex.c_str());
    }
    return mask;
}

}  // namespace jpeglm

using namespace jpeglm;

extern "C" {

int32_t jpeglm_threadpool_count(int64_t * out_live, int64_t * out_created) {
    return guarded([&] {
        require(out_live != nullptr && out_created != nullptr, "out_live or out_created is NULL");
        *out_live    = g_pools_live.load();
        *out_created = g_pools_created.load();
    });
}

}  // extern "C"
