package org.jpeglm;

import java.util.regex.Pattern;

/**
 * How a session uses the CPU: llama.cpp's {@code -t}, {@code -tb}, {@code --poll} and {@code --cpu-mask}. The
 * default, {@link #AUTOMATIC}, chooses the counts from the work per step (the model's size times the tokens a step
 * evaluates) and the CPUs this process may use ({@link Jpeglm#cpuBudget()}), and while the session runs keeps the
 * count that measures faster, so another busy process on the cores does not make every step wait for a descheduled
 * thread. {@link Session#threads()} says what was chosen and why.
 *
 * @param threads threads for single-token decodes, 1 to 512; 0 chooses and tunes them
 * @param threadsBatch threads for batches of several tokens (prompts, a step of several sequences), 1 to 512; 0: as
 *     {@code threads} (chosen and tuned when that is 0)
 * @param poll how busily a session's idle threads wait for the next step before they sleep, 0 to 100 (llama.cpp's
 *     scale); -1: the native library's default. No effect on a CPU backend built with OpenMP ({@code -DJPEGLM_OPENMP=ON}).
 * @param cpuMask CPUs the threads run on, a hexadecimal bit mask like {@code 0x3} (CPUs 0 and 1); null: any
 */
public record ThreadOptions(int threads, int threadsBatch, int poll, String cpuMask) {
    /** Most threads a count may name (ggml's limit). */
    public static final int MAX_THREADS = 512;

    /** Counts chosen and tuned, the library's polling, no CPU mask. */
    public static final ThreadOptions AUTOMATIC = new ThreadOptions(0, 0, -1, null);

    private static final Pattern MASK = Pattern.compile("(0[xX])?[0-9a-fA-F]{1,128}");

    public ThreadOptions {
        requireCount("threads", threads);
        requireCount("threadsBatch", threadsBatch);
        if (poll < -1 || poll > 100) {
            throw new IllegalArgumentException("poll must be 0 to 100 (or -1: the default), got " + poll);
        }
        if (cpuMask != null && !MASK.matcher(cpuMask).matches()) {
            throw new IllegalArgumentException(
                    "cpuMask must be 1 to 128 hexadecimal digits, optionally after 0x, got \"" + cpuMask + "\"");
        }
    }

    /** threads for every decode (0: automatic), the other settings their defaults. */
    public static ThreadOptions of(int threads) {
        return new ThreadOptions(threads, 0, -1, null);
    }

    /** The count for batches as the native library takes it: {@code threadsBatch}, else {@code threads}. */
    public int batchThreads() {
        return threadsBatch > 0 ? threadsBatch : threads;
    }

    /** These options with another count for single-token decodes. */
    public ThreadOptions withThreads(int threads) {
        return new ThreadOptions(threads, threadsBatch, poll, cpuMask);
    }

    private static void requireCount(String name, int n) {
        if (n < 0 || n > MAX_THREADS) {
            throw new IllegalArgumentException(name + " must be 0 (automatic) to " + MAX_THREADS + ", got " + n);
        }
    }
}
