package org.jpeglm;

import java.util.Objects;

/**
 * The CPUs this process may use ({@link Jpeglm#cpuBudget()}): its affinity mask ({@code taskset}, a container's
 * cpuset), capped by its cgroup's CPU quota ({@code docker --cpus}, a Kubernetes limit), not the machine's count.
 *
 * @param cpus at least 1
 * @param reason how they were found, e.g. "2 in the affinity mask, no cgroup CPU quota"
 */
public record CpuBudget(int cpus, String reason) {
    public CpuBudget {
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be positive, got " + cpus);
        }
        Objects.requireNonNull(reason, "reason");
    }
}
