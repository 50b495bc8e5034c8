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

// The system's load: the average of runnable tasks over the last minute, and those runnable now (this thread
// among them), from /proc/loadavg; 0 if unknown. JPEGLM_THREADS_TEST=busy-machine: 1000, a machine without a free
// CPU (tests of what the automatic count does then).
struct system_load {
    double  average = 0;
    int32_t now     = 0;
};

system_load read_load() {
    static const bool busy_for_tests = [] {
        const char * env = std::getenv("JPEGLM_THREADS_TEST");
        return env != nullptr && std::strcmp(env, "busy-machine") == 0;
    }();
    if (busy_for_tests) {
        return {1000, 1000};
    }
    system_load load;
    if (FILE * f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %*f %*f %d", &load.average, &load.now) != 2) {
            load = {};
        }
        std::fclose(f);
    }
    return load;
}

double load_average() {
    return read_load().average;
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

// Tuner constants (chosen by measurement, docs/runtime.md, "Threads").
constexpr double  kFirstInterval = 0.05;  // decode seconds before the first try, and after a change
constexpr double  kMaxInterval   = 4.0;   // decode seconds between tries, doubling up to this after each loss
constexpr double  kCostFactor    = 20.0;  // but at least this many times what the lost try's other count cost
constexpr double  kMaxCostWait   = 60.0;  // (at most this: a machine that became quiet is noticed within a minute)
constexpr int32_t kArmDecodes    = 4;     // decodes of each count a try compares, at least
constexpr double  kArmSeconds    = 0.02;  // and seconds of each, at least (or kArmMaxDecodes decodes)
constexpr int32_t kArmMaxDecodes = 32;
constexpr double  kClear         = 2.0;   // a count this many times slower or faster per token decides a try at once
constexpr double  kMoreGain      = 0.05;  // one thread more is kept when at least this much faster per token
constexpr double  kFewerSlack    = 0.03;  // one thread fewer is kept unless more than this much slower
constexpr int32_t kWindow        = 16;    // decodes per look at the current count's speed
constexpr double  kSpike         = 1.5;   // a window this much slower than usual starts a try at once

}  // namespace

// ---------------------------------------------------------------------------------------------------------------
// thread_tuner

void thread_tuner::reset(int32_t initial, int32_t max, bool adaptive) {
    *this     = thread_tuner{};
    cur_      = initial;
    max_      = max;
    adaptive_ = adaptive && max > 1;
    interval_ = kFirstInterval;
}

int32_t thread_tuner::next() {
    if (!adaptive_) {
        return cur_;
    }
    if (probe_ == 0 && (since_try_ >= interval_ || stop_tries_for_tests())) {
        start_try();
    }
    return probe_ != 0 && probe_turn_ ? probe_ : cur_;
}

void thread_tuner::start_try() {
    // A step of a quarter: 1 on small machines, fewer tries to climb on large ones.
    const int32_t step = std::max(1, cur_ / 4);
    const bool    down = cur_ > 1, up = cur_ < max_ && room_for_more();
    if (!down && !up) {
        // Nothing worth trying now: look again later, at no cost (a try of more threads on a machine whose other
        // work fills the CPUs is what costs: each added thread waits for descheduled peers).
        since_try_ = 0;
        interval_  = std::min(interval_ * 2, kMaxInterval);
        return;
    }
    const int32_t less = std::max(1, cur_ - step), more = std::min(max_, cur_ + step);
    probe_ = down && up ? (direction_ < 0 ? less : more) : down ? less : more;
    // Without a usual speed yet, the try measures the current count first: a reference for deciding at once.
    probe_turn_ = usual_ > 0;
    tries_++;
    for (arm & a : arms_) {
        a = arm{};
    }
}

bool thread_tuner::room_for_more() const {
    // This session's own cur_ threads are among the runnable tasks the load counts (its pool's idle threads spin
    // for a while after each graph); others' beyond the CPUs left over leave none for one more thread. The minute's
    // average lags a machine that has just become quiet: then what runs now, sampled, decides.
    if (stop_tries_for_tests()) {
        return true;
    }
    const system_load load = read_load();
    return load.average < max_ - 0.5 || load.now < max_;
}

void thread_tuner::record(int32_t count, double seconds, int32_t tokens) {
    if (!adaptive_ || tokens <= 0) {
        return;
    }
    seconds_ += seconds;
    tried_seconds_ += probe_ != 0 && count == probe_ ? seconds : 0;
    if (probe_ != 0 && (count == probe_ || count == cur_)) {
        arm & a = arms_[count == probe_ ? 0 : 1];
        a.seconds += seconds;
        a.tokens += tokens;
        a.decodes++;
        probe_turn_            = count != probe_;
        const double reference = arms_[1].decodes > 0 ? arms_[1].rate() : usual_;
        if (count == probe_ && reference > 0 && a.rate() > kClear * reference) {
            end_try(false);  // clearly slower: not one decode more at this count
        } else if (count == probe_ && reference > 0 && a.rate() * kClear < reference) {
            end_try(true);  // clearly faster
        } else if (arms_[0].done() && arms_[1].done()) {
            const double tried = arms_[0].rate(), current = arms_[1].rate();
            end_try(probe_ < cur_ ? tried <= current * (1 + kFewerSlack) : tried < current * (1 - kMoreGain));
        }
        return;
    }
    since_try_ += seconds;
    window_.seconds += seconds;
    window_.tokens += tokens;
    if (++window_.decodes < kWindow) {
        return;
    }
    const double rate = window_.rate();
    if (usual_ > 0 && rate > kSpike * usual_ && cur_ > 1) {
        since_try_ = interval_;  // slower than usual: another process may have come; try fewer threads now
        direction_ = -1;
    }
    usual_  = usual_ > 0 ? 0.75 * usual_ + 0.25 * rate : rate;
    window_ = arm{};
}

double thread_tuner::time_limit(int32_t tokens) const {
    if (probe_ == 0 || !probe_turn_) {
        return 0;
    }
    const double reference = arms_[1].decodes > 0 ? arms_[1].rate() : usual_;
    if (stop_tries_for_tests()) {
        return 3600;  // session_threads::past_deadline stops it
    }
    return reference > 0 ? kClear * reference * tokens : 0;
}

void thread_tuner::stopped(double seconds) {
    if (probe_ != 0) {
        stops_++;
        seconds_ += seconds;
        tried_seconds_ += seconds;
        arms_[0].seconds += seconds;
        end_try(false);
    }
}

bool thread_tuner::arm::done() const {
    return decodes >= kArmMaxDecodes || (decodes >= kArmDecodes && seconds >= kArmSeconds);
}

double thread_tuner::arm::rate() const {
    return tokens > 0 ? seconds / tokens : 0;
}

void thread_tuner::end_try(bool keep) {
    if (keep) {
        direction_ = probe_ > cur_ ? 1 : -1;  // the next try goes on the same way
        cur_       = probe_;
        interval_  = kFirstInterval;
        usual_     = arms_[0].rate();
        changes_++;
    } else {
        // Tries cost what the other count costs: a count that collapses under contention is tried seldom.
        direction_ = -direction_;
        interval_ =
            std::max(std::min(interval_ * 2, kMaxInterval), std::min(kCostFactor * arms_[0].seconds, kMaxCostWait));
        if (arms_[1].decodes > 0) {
            usual_ = usual_ > 0 ? 0.75 * usual_ + 0.25 * arms_[1].rate() : arms_[1].rate();
        }
    }
    probe_     = 0;
    since_try_ = 0;
    window_    = arm{};
}

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
    const int32_t cpus = max_threads();
    asked_[0]          = n_threads;
    asked_[1]          = n_threads_batch;
    // A step of every sequence at once is the usual batch; with one sequence, a batch is a prompt.
    const int32_t batch_tokens = std::max(2, n_seq_ > 1 ? n_seq_ : std::min(n_batch_, 16));
    // Too many threads is the costly mistake on a busy machine (each waits for descheduled peers), too few the
    // cheap one: start with no more than the CPUs the load average leaves, and let the tuner climb.
    const double  load     = load_average();
    const int32_t idle     = std::max(1, cpus - (int32_t) std::lround(load));
    const int32_t start[2] = {std::min(idle, threads_for_work(n_params_, 1, cpus)),
                              std::min(idle, threads_for_work(n_params_, batch_tokens, cpus))};
    tuners_[0].reset(n_threads > 0 ? n_threads : start[0], cpus, n_threads == 0);
    tuners_[1].reset(n_threads_batch > 0 ? n_threads_batch : start[1], cpus, n_threads_batch == 0);
    batch_tokens_ = batch_tokens;
    char text[64];
    std::snprintf(text, sizeof text, "load average %.2f", load);
    start_why_ = text;
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
    retire_pools();
    // The automatic counts' bound follows the mask.
    configure(asked_[0], asked_[1]);
}

int32_t session_threads::max_threads() const {
    if (cpu_mask_.empty()) {
        return budget_.cpus;
    }
    const int32_t in_mask = (int32_t) std::count(cpu_mask_.begin(), cpu_mask_.end(), true);
    return std::max(1, std::min(budget_.cpus, in_mask));
}

void session_threads::before_decode(llama_context * ctx, int32_t n_tokens, bool may_stop) {
    phase_  = n_tokens > 1 ? 1 : 0;
    count_  = tuners_[phase_].next();
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
    const int32_t cpus     = max_threads();
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
                        " at tried counts";
            }
            text += ")";
        }
    }
    if (any_auto) {
        text += "; usable CPUs " + std::to_string(cpus) + ": " + budget_.why + "; started with at most the CPUs the " +
                start_why_ + " left";
        if (!cpu_mask_.empty()) {
            text += ", cpu mask";
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
