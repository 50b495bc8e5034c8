// thread_tuner.h — the automatic thread count's decisions, apart from the machine: a state machine fed with how long
// each decode took and, when a try of more threads is due, how many CPUs the machine's other work leaves free
// (threads.cpp measures both). No I/O and no clock, so native/test/thread_tuner_test.cpp drives it on made-up
// machines (ThreadTunerTest compiles and runs that test).
#ifndef JPEGLM_THREAD_TUNER_H
#define JPEGLM_THREAD_TUNER_H

#include <cstdint>
#include <functional>

namespace jpeglm {

// A look at the CPUs (threads.cpp reads /proc/stat and the process's CPU clock); two of them tell how busy the
// machine's other work kept the CPUs in between.
struct cpu_look {
    double  wall = 0;   // steady clock, seconds
    double  idle = -1;  // idle seconds of the CPUs this process may use, summed (< 0: unknown)
    int32_t cpus = 0;   // how many those are
    double  self = -1;  // this process's CPU seconds (< 0: unknown)
};

// The CPUs free for more of a session's threads between two looks: usable less what the CPUs spent neither idle nor
// on this process (others' work) less the session's current count, at least 0; < 0 if unknown.
double free_cpus_between(const cpu_look & before, const cpu_look & after, int32_t usable, int32_t current);

// Chooses one kind of step's thread count while a session runs: now and then a few decodes at one thread more or
// fewer, alternating with the current count; the faster per token is kept (fewer when nearly as fast). A try of
// more threads is made only while other work leaves a CPU free for them: on a full machine such a try is what
// costs (each added thread waits for descheduled peers).
class thread_tuner {
  public:
    // The CPUs free for more of the session's threads now: the usable CPUs less the machine's other work (measured
    // over the last while) less the session's current count; < 0 if unknown. Asked only when a try of more is due.
    using free_cpus_fn = std::function<double()>;

    // Starts at initial; adaptive: tries counts from 1 to max, else initial always. try_always (tests): a try at
    // every decode, of more threads whatever the CPUs, its decode's time limit left to the caller.
    void reset(int32_t initial, int32_t max, bool adaptive, bool try_always = false);
    // The count for the next decode.
    int32_t next(const free_cpus_fn & free_cpus);
    // What the decode that next() gave count for took.
    void record(int32_t count, double seconds, int32_t tokens);
    // How long the decode of tokens that next() just gave a count for may run before it is stopped (a try's count
    // that is clearly slower than the current one); 0: no limit.
    double time_limit(int32_t tokens) const;
    // The decode was stopped at its time limit after seconds: the caller runs it again at the count next() gives (the
    // current one); a try's second stopped decode ends it lost.
    void stopped(double seconds);

    int32_t current() const { return cur_; }

    int32_t changes() const { return changes_; }

    int32_t tries() const { return tries_; }

    int32_t stops() const { return stops_; }

    // Tries of more threads not made because other work left no CPU free for them.
    int32_t held_back() const { return held_back_; }

    // The free CPUs the last look measured (< 0: none made or unknown).
    double last_free() const { return last_free_; }

    // Decode seconds in all, and at tried counts (what the tries cost, at most).
    double seconds() const { return seconds_; }

    double tried_seconds() const { return tried_seconds_; }

    bool adaptive() const { return adaptive_; }

  private:
    struct arm {
        double  seconds       = 0;
        int64_t tokens        = 0;
        int32_t decodes       = 0;
        double  worst_seconds = 0;  // the decode slowest per token, left out of rate() once there are enough
        int64_t worst_tokens  = 0;

        void   add(double seconds, int32_t tokens);
        bool   done() const;
        double rate() const;  // seconds per token, the slowest decode left out
    };

    void start_try(const free_cpus_fn & free_cpus);
    void end_try(bool keep);

    int32_t cur_           = 1;
    int32_t max_           = 1;
    bool    adaptive_      = false;
    bool    try_always_    = false;
    int32_t probe_         = 0;      // the count being tried, 0 when none
    bool    probe_stopped_ = false;  // a decode of this try was stopped at its time limit (the second ends it)
    double  stop_seconds_  = 0;      // what this try's stopped decodes cost
    bool    probe_turn_    = true;   // whether the next decode of a try is at probe_
    arm     arms_[2];                // a try's decodes: [0] at probe_, [1] at cur_
    arm     window_;                 // the current count's last decodes
    double  usual_         = 0;      // seconds per token at cur_, smoothed over windows
    double  since_try_     = 0;      // decode seconds since the last try
    double  interval_      = 0;      // decode seconds between tries
    int32_t direction_     = 1;      // the way the next try goes when both are open
    int32_t changes_       = 0;
    int32_t tries_         = 0;
    int32_t stops_         = 0;  // tries ended by their decodes stopped at the time limit (twice)
    int32_t held_back_     = 0;
    double  last_free_     = -1;
    double  seconds_       = 0;
    double  tried_seconds_ = 0;
};

}  // namespace jpeglm

#endif
