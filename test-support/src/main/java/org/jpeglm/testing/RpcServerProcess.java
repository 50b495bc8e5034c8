package org.jpeglm.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A llama.cpp {@code rpc-server} (built beside libjpeglm by the source and portable runtimes) on 127.0.0.1 at a free
 * port, for tests and benchmarks. It never outlives its user: it runs under a shell that kills it (SIGKILL) as soon
 * as its standard input closes, which {@link #kill()} and {@link #close()} do, and the operating system does when
 * this JVM ends in any way, a crash or SIGKILL included.
 */
public final class RpcServerProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3; // another process may take the free port first
    // fd 3 keeps the pipe from this JVM: an asynchronous list's own standard input is /dev/null.
    private static final String WATCHDOG = "exec 3<&0; \"$0\" \"$@\" </dev/null & s=$!;"
            + " { cat <&3 >/dev/null; kill -9 $s 2>/dev/null; } & wait $s";

    private final Process shell;
    private final OutputStream lifeline;
    private final int port;
    private final Path log;

    private RpcServerProcess(Process shell, int port, Path log) {
        this.shell = shell;
        this.lifeline = shell.getOutputStream();
        this.port = port;
        this.log = log;
    }

    /** The rpc-server built beside the library the tests load (-Djpeglm.library.path). */
    public static Path binary() {
        String library = System.getProperty("jpeglm.library.path");
        if (library == null) {
            throw new IllegalStateException("-Djpeglm.library.path is not set: where is the build folder?");
        }
        return Path.of(library).resolveSibling("rpc-server");
    }

    /** Starts {@link #binary()} with one CPU thread, its output appended to log, and waits until it accepts. */
    public static RpcServerProcess start(Path log) {
        return start(binary(), 1, log);
    }

    /** Starts binary with threads CPU threads on a free port; its output is appended to log. */
    public static RpcServerProcess start(Path binary, int threads, Path log) {
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException(binary + " is not built (the source and portable runtimes build it)");
        }
        IllegalStateException last = null;
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            try {
                return start(binary, threads, freePort(), log);
            } catch (IllegalStateException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Starts binary on port (e.g. again where a killed one was) and waits until it accepts. */
    public static RpcServerProcess start(Path binary, int threads, int port, Path log) {
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process shell = new ProcessBuilder(List.of(
                            "sh",
                            "-c",
                            WATCHDOG,
                            binary.toString(),
                            "--host",
                            "127.0.0.1",
                            "--port",
                            Integer.toString(port),
                            "--threads",
                            Integer.toString(threads)))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            RpcServerProcess server = new RpcServerProcess(shell, port, log);
            server.awaitListening();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // A connection that sends nothing and closes: the server logs it and accepts the next one.
    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!shell.isAlive()) {
                throw new IllegalStateException("rpc-server on port " + port + " ended: " + tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        kill();
        throw new IllegalStateException("rpc-server on port " + port + " did not listen within " + START_TIMEOUT);
    }

    /** {@code 127.0.0.1:PORT}, as {@code --rpc} takes it. */
    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isAlive() {
        return shell.isAlive();
    }

    /** Kills the server at once (SIGKILL) and waits until it is gone. */
    public void kill() {
        try {
            lifeline.close();
        } catch (IOException alreadyClosed) {
            // the shell is gone: so is the server
        }
        try {
            if (!shell.waitFor(10, TimeUnit.SECONDS)) {
                shell.descendants().forEach(ProcessHandle::destroyForcibly);
                shell.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The CPU time the server's threads have used so far, in seconds (the scheduler's, in ns); 0 once it is gone. */
    public double cpuSeconds() {
        return shell.descendants()
                .filter(p ->
                        p.info().command().map(c -> c.endsWith("/rpc-server")).orElse(false))
                .mapToDouble(p -> cpuSeconds(p.pid()))
                .sum();
    }

    /** The CPU time process pid's threads have used so far, in seconds; 0 if it is gone. */
    public static double cpuSeconds(long pid) {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            // schedstat: nanoseconds on the CPU, nanoseconds waiting for it, time slices
            return tasks.mapToLong(t -> {
                                try {
                                    return Long.parseLong(Files.readString(t.resolve("schedstat"))
                                            .split(" ")[0]);
                                } catch (IOException | RuntimeException gone) {
                                    return 0;
                                }
                            })
                            .sum()
                    / 1e9;
        } catch (IOException | UncheckedIOException gone) {
            return 0;
        }
    }

    /** The last lines the server wrote. */
    public String tail() {
        return PrebuiltRuntime.tail(log);
    }

    @Override
    public void close() {
        kill();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an rpc-server", e);
        }
    }
}
