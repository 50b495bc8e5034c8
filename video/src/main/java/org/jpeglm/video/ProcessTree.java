package org.jpeglm.video;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a command as the leader of its own process group (through {@code setsid}, where there is one) so that
 * everything it starts can be found and killed with it: its descendants, and on Linux every process still in its
 * group, such as a grandchild whose parent exited while it holds the pipes. Processes still running when the JVM
 * exits are killed too.
 */
final class ProcessTree {
    private static final Path SETSID = findSetsid();
    private static final boolean PROC = Files.isReadable(Path.of("/proc/self/stat"));
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration KILL_WAIT = Duration.ofSeconds(3);

    static {
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform()
                        .name("jpeglm-ffmpeg-reaper")
                        .unstarted(() -> List.copyOf(LIVE).forEach(ProcessTree::destroy)));
    }

    private ProcessTree() {}

    /**
     * Starts command (its first element an executable, looked up on the PATH unless it holds a '/').
     *
     * @throws IOException when the executable is missing, not executable or cannot be started
     */
    static Process start(List<String> command) throws IOException {
        Path exe = resolve(command.getFirst());
        List<String> full = new ArrayList<>(command.size() + 1);
        if (SETSID != null) {
            // setsid execs the command in place (the same pid, leading its own group); --wait for the case where
            // it must fork instead, so that its exit status is still the command's.
            full.addAll(List.of(SETSID.toString(), "--wait"));
        }
        full.add(exe.toString());
        full.addAll(command.subList(1, command.size()));
        Process p = new ProcessBuilder(full).start();
        LIVE.add(p);
        return p;
    }

    /**
     * Kills p, its descendants and the rest of its process group, and waits for them (a few seconds at most for the
     * ones that are not p's children: the kernel ends a killed process at once, unless it is stuck in a device).
     */
    static void destroy(Process p) {
        try {
            List<ProcessHandle> killed = new ArrayList<>();
            for (int pass = 0; pass < 2; pass++) { // a second pass for what forked while the first one killed
                List<ProcessHandle> doomed = members(p);
                p.destroyForcibly();
                doomed.forEach(ProcessHandle::destroyForcibly);
                killed.addAll(doomed);
            }
            waitFor(p);
            awaitExit(killed, System.nanoTime() + KILL_WAIT.toNanos());
        } finally {
            LIVE.remove(p);
        }
    }

    private static void awaitExit(List<ProcessHandle> processes, long deadline) {
        for (ProcessHandle h : processes) {
            try {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return; // left to the kernel
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** p's descendants, and the live processes of the process groups p and they lead (never the JVM's own). */
    private static List<ProcessHandle> members(Process p) {
        List<ProcessHandle> members = new ArrayList<>(p.descendants().toList());
        if (!PROC) {
            return members;
        }
        OptionalLong own = group(ProcessHandle.current().pid());
        Set<Long> groups = new HashSet<>();
        groups.add(p.pid()); // setsid made p its group's leader; after p exits, the group keeps its id
        members.forEach(h -> group(h.pid()).ifPresent(groups::add));
        own.ifPresent(groups::remove);
        if (groups.isEmpty()) {
            return members;
        }
        long self = ProcessHandle.current().pid();
        ProcessHandle.allProcesses()
                .filter(h -> h.pid() != self && h.pid() != p.pid())
                .filter(h -> group(h.pid()).stream().anyMatch(groups::contains))
                .forEach(members::add);
        return members;
    }

    /** The process group of pid, from /proc/PID/stat (empty when the process is gone). */
    static OptionalLong group(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so read after the last ')'
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalLong.of(Long.parseLong(fields[2]));
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static void waitFor(Process p) {
        boolean interrupted = false;
        while (true) {
            try {
                // A killed process is reaped at once; one stuck in the kernel (a dead NFS mount) is left to the OS.
                p.waitFor(10, TimeUnit.SECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The executable's path: exe itself when it holds a '/', else the first match on the PATH. */
    static Path resolve(String exe) throws IOException {
        if (exe.contains("/")) {
            return requireExecutable(Path.of(exe));
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir).resolve(exe);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IOException("not found on the PATH");
    }

    private static Path requireExecutable(Path p) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException("no such file");
        }
        if (!Files.isExecutable(p)) {
            throw new IOException("not executable");
        }
        return p;
    }

    private static Path findSetsid() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return null;
        }
        for (String candidate : new String[] {"/usr/bin/setsid", "/bin/setsid"}) {
            Path p = Path.of(candidate);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }
}
