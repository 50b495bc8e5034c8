package org.jpeglm.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * CPU time and preemptions of this process' threads grouped by name (digits dropped: "qtp1-45" and "qtp1-46" are
 * one group), from /proc/self/task: where a run's CPU went, native threads (ggml's, named after the thread that
 * started them) included, which JFR does not see. A preempted ggml thread holds its partners at the next barrier.
 */
final class ThreadCpu {
    private static final double TICK = 0.01; // USER_HZ is 100 on Linux

    /** CPU seconds and involuntary context switches. */
    record Use(double seconds, long preempted) {
        Use minus(Use o) {
            return new Use(seconds - o.seconds, preempted - o.preempted);
        }

        Use plus(Use o) {
            return new Use(seconds + o.seconds, preempted + o.preempted);
        }
    }

    private ThreadCpu() {}

    /** Use per thread group, of the threads alive now (empty where /proc is not Linux's). */
    static Map<String, Use> snapshot() {
        Map<String, Use> groups = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    String name = stat.substring(stat.indexOf('(') + 1, close).replaceAll("[0-9]+", "#");
                    String[] f = stat.substring(close + 2).split(" ");
                    double seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK;
                    groups.merge(name, new Use(seconds, preemptions(task)), Use::plus);
                } catch (IOException | RuntimeException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return Map.of();
        }
        groups.put(PROCESS, new Use(processSeconds(), 0));
        return groups;
    }

    /** The key of the whole process' CPU, ended threads included. */
    private static final String PROCESS = "(process)";

    private static double processSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long preemptions(Path task) throws IOException {
        for (String line : Files.readAllLines(task.resolve("status"))) {
            if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    /**
     * Per group, the use between before and now; the CPU of threads that started and ended in between (a run's
     * clients) as the group "ended threads" (preemptions of those are lost).
     */
    static Map<String, Use> since(Map<String, Use> before) {
        Map<String, Use> diff = new TreeMap<>();
        Map<String, Use> now = snapshot();
        double process = now.getOrDefault(PROCESS, new Use(0, 0)).seconds()
                - before.getOrDefault(PROCESS, new Use(0, 0)).seconds();
        now.remove(PROCESS);
        double alive = 0;
        for (Map.Entry<String, Use> e : now.entrySet()) {
            Use d = e.getValue().minus(before.getOrDefault(e.getKey(), new Use(0, 0)));
            alive += d.seconds();
            if (d.seconds() > 0.005 || d.preempted() > 0) {
                diff.put(e.getKey(), d);
            }
        }
        if (process - alive > 0.005) {
            diff.put("ended threads", new Use(process - alive, 0));
        }
        return diff;
    }

    /** "total X ms: [group ms, preempted n] ...", per unit (e.g. per image), busiest first. */
    static String describe(Map<String, Use> use, int units) {
        double total = use.values().stream().mapToDouble(Use::seconds).sum();
        return String.format(Locale.ROOT, "CPU %.1f ms:", 1000 * total / units)
                + use.entrySet().stream()
                        .sorted((x, y) -> Double.compare(
                                y.getValue().seconds(), x.getValue().seconds()))
                        .map(e -> String.format(
                                Locale.ROOT,
                                " [%s %.2f ms, preempted %.1f]",
                                e.getKey(),
                                1000 * e.getValue().seconds() / units,
                                (double) e.getValue().preempted() / units))
                        .collect(Collectors.joining());
    }
}
