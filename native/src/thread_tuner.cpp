// thread_tuner.cpp — the automatic thread count's state machine (thread_tuner.h); threads.cpp feeds it.

#include "thread_tuner.h"

#include <algorithm>

namespace jpeglm {

namespace {

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
constexpr double  kFreePerThread = 0.5;   // free CPU a try asks for per added thread (others' work leaves it)

}  // namespace

double free_cpus_between(const cpu_look & before, const cpu_look & after, int32_t usable, int32_t current) {
    const double span = after.wall - before.wall;
    if (before.idle < 0 || after.idle < 0 || before.self < 0 || after.self < 0 || span <= 0) {
        return -1;
    }
    const double not_idle = after.cpus * span - (after.idle - before.idle);
    const double others   = std::max(0.0, (not_idle - (after.self - before.self)) / span);
    return std::max(0.0, usable - others - current);
}

void thread_tuner::reset(int32_t initial, int32_t max, bool adaptive, bool try_always) {
    *this       = thread_tuner{};
    cur_        = initial;
    max_        = max;
    adaptive_   = adaptive && max > 1;
    try_always_ = try_always;
    interval_   = kFirstInterval;
}

int32_t thread_tuner::next(const free_cpus_fn & free_cpus) {
    if (!adaptive_) {
        return cur_;
    }
    if (probe_ == 0 && (since_try_ >= interval_ || try_always_)) {
        start_try(free_cpus);
    }
    return probe_ != 0 && probe_turn_ ? probe_ : cur_;
}

void thread_tuner::start_try(const free_cpus_fn & free_cpus) {
    // A step of a quarter: 1 on small machines, fewer tries to climb on large ones.
    const int32_t step = std::max(1, cur_ / 4);
    const bool    down = cur_ > 1;
    bool          up   = cur_ < max_;
    if (up && !try_always_ && (!down || direction_ > 0)) {
        // Others' work measured now, not a load average: the minute's average lags a machine that has just become
        // quiet, and counts this session's own threads.
        last_free_ = free_cpus ? free_cpus() : -1;
        up         = last_free_ < 0 || last_free_ >= kFreePerThread * step;
        held_back_ += up ? 0 : 1;
    }
    if (!down && !up) {
        // Nothing worth trying now: look again later, at no cost.
        since_try_ = 0;
        interval_  = std::min(interval_ * 2, kMaxInterval);
        return;
    }
    const int32_t less = std::max(1, cur_ - step), more = std::min(max_, cur_ + step);
    probe_ = down && up ? (direction_ < 0 ? less : more) : down ? less : more;
    // Without a usual speed yet, the try measures the current count first: a reference for deciding at once.
    probe_turn_ = usual_ > 0;
    tries_++;
    probe_stopped_ = false;
    stop_seconds_  = 0;
    for (arm & a : arms_) {
        a = arm{};
    }
}

void thread_tuner::record(int32_t count, double seconds, int32_t tokens) {
    if (!adaptive_ || tokens <= 0) {
        return;
    }
    seconds_ += seconds;
    tried_seconds_ += probe_ != 0 && count == probe_ ? seconds : 0;
    if (probe_ != 0 && (count == probe_ || count == cur_)) {
        arm & a = arms_[count == probe_ ? 0 : 1];
        a.add(seconds, tokens);
        probe_turn_ = count != probe_;
        // Decided at once only against both references, the current count's usual speed and this try's decodes of
        // it: one stalled decode of the current count (a JIT or collector thread on the other CPU) decides nothing.
        const double now     = arms_[1].decodes > 0 ? arms_[1].rate() : usual_;
        const double slowest = std::max(now, usual_);
        const double fastest = usual_ > 0 ? std::min(now, usual_) : now;
        if (count == probe_ && slowest > 0 && a.rate() > kClear * slowest) {
            end_try(false);  // clearly slower: not one decode more at this count
        } else if (count == probe_ && fastest > 0 && a.rate() * kClear < fastest) {
            end_try(true);  // clearly faster
        } else if (arms_[0].done() && arms_[1].done()) {
            const double tried = arms_[0].rate(), current = arms_[1].rate();
            end_try(probe_ < cur_ ? tried <= current * (1 + kFewerSlack) : tried < current * (1 - kMoreGain));
        }
        return;
    }
    since_try_ += seconds;
    window_.add(seconds, tokens);
    if (window_.decodes < kWindow) {
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
    if (try_always_) {
        return 3600;  // the caller's test mode stops it
    }
    const double reference = arms_[1].decodes > 0 ? arms_[1].rate() : usual_;
    return reference > 0 ? kClear * reference * tokens : 0;
}

void thread_tuner::stopped(double seconds) {
    if (probe_ == 0) {
        return;
    }
    seconds_ += seconds;
    tried_seconds_ += seconds;
    stop_seconds_ += seconds;
    if (!probe_stopped_) {
        // A second chance: one stall is as likely as a count that collapses. The stopped work runs again at the
        // current count, and the try's next decode at its count decides (stopped again: lost).
        probe_stopped_ = true;
        probe_turn_    = false;
        return;
    }
    stops_++;
    end_try(false);
}

void thread_tuner::arm::add(double s, int32_t n) {
    if (worst_tokens == 0 || s * (double) worst_tokens > worst_seconds * n) {
        worst_seconds = s;
        worst_tokens  = n;
    }
    seconds += s;
    tokens += n;
    decodes++;
}

bool thread_tuner::arm::done() const {
    return decodes >= kArmMaxDecodes || (decodes >= kArmDecodes && seconds >= kArmSeconds);
}

double thread_tuner::arm::rate() const {
    if (decodes >= kArmDecodes && tokens > worst_tokens) {
        return (seconds - worst_seconds) / (double) (tokens - worst_tokens);
    }
    return tokens > 0 ? seconds / (double) tokens : 0;
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
        interval_  = std::max(std::min(interval_ * 2, kMaxInterval),
                              std::min(kCostFactor * (arms_[0].seconds + stop_seconds_), kMaxCostWait));
        if (arms_[1].decodes > 0) {
            usual_ = usual_ > 0 ? 0.75 * usual_ + 0.25 * arms_[1].rate() : arms_[1].rate();
        }
    }
    probe_     = 0;
    since_try_ = 0;
    window_    = arm{};
}

}  // namespace jpeglm
