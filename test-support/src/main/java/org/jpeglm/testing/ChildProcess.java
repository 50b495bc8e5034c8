package org.jpeglm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server process a test or a benchmark starts and must not leave behind: its output in a log file, signals by
 * name, and {@link #close()} that kills it. Where util-linux's {@code setpriv} exists (Debian: always) the process
 * also gets SIGKILL when the thread that started it ends ({@code PR_SET_PDEATHSIG}), so a test JVM killed by its
 * runner takes its servers with it: start them from the test's own thread, which lives as long as they should.
 */
public final class ChildProcess implements AutoCloseable {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private final String name;
    private final Process process;
    private final Path log;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** Starts command (its environment: this one's plus env), stdout and stderr into log. */
    public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log)
            throws IOException {
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(SETPRIV)) {
            full.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--")); // setpriv execs: same pid
        }
        full.addAll(command);
        ProcessBuilder b = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().putAll(env);
        return new ChildProcess(name, b.start(), log);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** What it printed so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "[" + log + ": " + e.getMessage() + "]";
        }
    }

    /** SIGTERM: a server drains and exits. */
    public void terminate() {
        process.destroy();
    }

    /** SIGKILL: it dies at once, its connections reset, nothing written. */
    public void kill() {
        process.destroyForcibly();
    }

    /** Waits up to time for it to exit; whether it did. */
    public boolean awaitExit(Duration time) throws InterruptedException {
        return process.waitFor(time.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Its exit status (143 after SIGTERM when the JVM reports the signal, 137 after SIGKILL). */
    public int exitValue() {
        return process.exitValue();
    }

    /** Kills it, if it still runs, and waits for its end. */
    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
