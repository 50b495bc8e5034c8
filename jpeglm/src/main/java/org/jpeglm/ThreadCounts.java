package org.jpeglm;

import java.util.Objects;

/**
 * The CPU threads a session uses now ({@link Session#threads()}), and how they were chosen.
 *
 * @param threads threads for single-token decodes
 * @param threadsBatch threads for batches of several tokens
 * @param reason how: asked for, or chosen from the work per step and the usable CPUs and tuned (with how often the
 *     count changed), and the thread pool's polling
 */
public record ThreadCounts(int threads, int threadsBatch, String reason) {
    public ThreadCounts {
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return threads + " threads, " + threadsBatch + " for batches (" + reason + ")";
    }
}
