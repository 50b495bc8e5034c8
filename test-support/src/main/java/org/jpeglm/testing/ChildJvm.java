package org.jpeglm.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs a main class of the test class path in a child JVM under a memory limit (heap, and address space through
 * {@code prlimit} where the system has it) and a time limit, so that code which might abort, be OOM-killed or
 * hang (native fuzzing) fails one case instead of killing the test JVM. Its stdout and stderr come back line by
 * line as they are printed.
 *
 * <p>The child gets the parent's class path and its {@code jpeglm.library.path} (unless jvmOptions set another),
 * with native access enabled.
 *
 * @param mainClass         the class whose main runs
 * @param args              its arguments
 * @param heap              -Xmx, e.g. "256m"
 * @param addressSpaceBytes the address-space limit (RLIMIT_AS), or 0 for none
 * @param timeout           how long the child may run before it is killed
 * @param jvmOptions        more options for the JVM, e.g. "-Djpeglm.log.level=INFO"
 * @param environment       variables added to the parent's environment
 */
public record ChildJvm(
        String mainClass,
        List<String> args,
        String heap,
        long addressSpaceBytes,
        Duration timeout,
        List<String> jvmOptions,
        Map<String, String> environment) {
    /** Enough address space for a JVM with a 256 MB heap plus llama.cpp and a tiny model; not for a runaway. */
    public static final long DEFAULT_ADDRESS_SPACE = 3L << 30;

    private static final String LIBRARY_OPTION = "-Djpeglm.library.path=";

    public ChildJvm {
        Objects.requireNonNull(mainClass, "mainClass");
        args = List.copyOf(args);
        jvmOptions = List.copyOf(jvmOptions);
        environment = Map.copyOf(environment);
        Objects.requireNonNull(heap, "heap");
        if (addressSpaceBytes < 0) {
            throw new IllegalArgumentException("addressSpaceBytes must not be negative");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** A child with no more JVM options and the parent's environment. */
    public ChildJvm(String mainClass, List<String> args, String heap, long addressSpaceBytes, Duration timeout) {
        this(mainClass, args, heap, addressSpaceBytes, timeout, List.of(), Map.of());
    }

    public static ChildJvm of(Class<?> mainClass, Duration timeout, String... args) {
        return new ChildJvm(mainClass.getName(), List.of(args), "256m", DEFAULT_ADDRESS_SPACE, timeout);
    }

    /** This child on another native library, with no address-space limit (a GPU driver maps a lot), and env. */
    public ChildJvm onLibrary(Path library, Map<String, String> env, String... moreJvmOptions) {
        List<String> options = new ArrayList<>(List.of(moreJvmOptions));
        options.add(LIBRARY_OPTION + library.toAbsolutePath());
        return new ChildJvm(mainClass, args, heap, 0, timeout, options, env);
    }

    /**
     * How the child ended.
     *
     * @param exitCode its exit status (128 + n for signal n, as a shell reports it); -1 when it was killed for
     *                 running past the timeout
     * @param timedOut whether it ran past the timeout
     * @param output   its stdout and stderr lines
     */
    public record Result(int exitCode, boolean timedOut, List<String> output) {
        public Result {
            output = List.copyOf(output);
        }

        /** Exited on its own with status 0. */
        public boolean ok() {
            return exitCode == 0 && !timedOut;
        }

        /** Killed: a timeout, a signal (abort, segfault, OOM killer) or a JVM that could not go on. */
        public String describe() {
            if (timedOut) {
                return "timed out";
            }
            if (exitCode > 128) {
                return "killed by signal " + (exitCode - 128) + (exitCode == 134 ? " (abort)" : "")
                        + (exitCode == 137 ? " (kill: OOM killer?)" : "") + (exitCode == 139 ? " (segfault)" : "");
            }
            return "exit status " + exitCode;
        }
    }

    /** Runs the child to its end; each output line goes to listener as it comes. */
    public Result run(Consumer<String> listener) {
        ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true);
        pb.environment().put("MALLOC_ARENA_MAX", "2"); // glibc's per-thread arenas would eat the address space
        pb.environment().putAll(environment);
        List<String> lines = new ArrayList<>();
        try {
            Process p = pb.start();
            Thread reader = Thread.ofVirtual()
                    .start(() -> readLines(p, line -> {
                        synchronized (lines) {
                            lines.add(line);
                        }
                        listener.accept(line);
                    }));
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly().waitFor();
            }
            reader.join(Duration.ofSeconds(10));
            synchronized (lines) {
                return new Result(finished ? p.exitValue() : -1, !finished, lines);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a child JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a child JVM", e);
        }
    }

    private static void readLines(Process p, Consumer<String> sink) {
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                sink.accept(line);
            }
        } catch (IOException e) {
            sink.accept("[ChildJvm: output lost: " + e.getMessage() + "]");
        }
    }

    List<String> command() {
        List<String> cmd = new ArrayList<>();
        Path prlimit = Path.of("/usr/bin/prlimit");
        if (addressSpaceBytes > 0 && Files.isExecutable(prlimit)) {
            cmd.addAll(List.of(prlimit.toString(), "--as=" + addressSpaceBytes, "--"));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-XX:ReservedCodeCacheSize=64m",
                "-XX:CompressedClassSpaceSize=64m",
                "-XX:MaxMetaspaceSize=128m",
                "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=/dev/null",
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path")));
        String library = System.getProperty("jpeglm.library.path");
        if (library != null && jvmOptions.stream().noneMatch(o -> o.startsWith(LIBRARY_OPTION))) {
            cmd.add(LIBRARY_OPTION + library);
        }
        cmd.addAll(jvmOptions);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
