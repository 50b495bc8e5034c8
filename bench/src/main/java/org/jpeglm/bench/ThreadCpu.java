package org.jpeglm.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this process' threads grouped by name (digits dropped: "qtp123-45" and "qtp123-46" are one group),
 * from /proc/self/task: where a run's CPU went, native threads (ggml's) included, which JFR does not see.
 */
final class ThreadCpu {
    private static final double TICK = 0.01; // USER_HZ is 100 on Linux

    private ThreadCpu() {}

    /** Seconds of CPU per thread group, for the threads alive now. */
    static Map<String, Double> snapshot() {
        Map<String, Double> groups = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(open + 1, close).replaceAll("[0-9]+", "#");
                    String[] f = stat.substring(close + 2).split(" ");
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK;
                    groups.merge(name, seconds, Double::sum);
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            groups.merge(
                                    name + " preempted",
                                    Double.parseDouble(line.replaceAll("\\D", "")) * TICK,
                                    Double::sum);
                        }
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            groups.merge(
                                    name + " slept",
                                    Double.parseDouble(line.replaceAll("\\D", "")) * TICK,
                                    Double::sum);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        return groups;
    }

    /** Per group, the CPU seconds spent between before and after (threads that ended in between are lost). */
    static Map<String, Double> since(Map<String, Double> before) {
        Map<String, Double> diff = new TreeMap<>();
        snapshot().forEach((k, v) -> {
            double d = v - before.getOrDefault(k, 0.0);
            if (d > 0.005) {
                diff.put(k, d);
            }
        });
        return diff;
    }
}
