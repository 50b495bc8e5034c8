package org.jpeglm.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command line as child processes, the way bin/jpeglm does ({@code java --enable-native-access=ALL-UNNAMED
 * -jar cli/target/jpeglm.jar}), and stops them with signals.
 *
 * @param jar the CLI's jar
 * @param work where each run's stderr and stdout go (and where a crashed JVM leaves hs_err_pid*.log)
 */
record Cli(Path jar, Path work) {
    /** Longest a child may run (or take to stop after a signal) before it counts as hung. */
    static final long TIMEOUT_SECONDS = 300;

    Cli {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no CLI jar at " + jar
                    + ": build it first (mvn -B install -DskipTests -pl cli -am, or run scripts/soak)");
        }
    }

    /** One finished child: exit status (128 + signal when a signal ended it), its output, and how long it ran. */
    record Run(int exit, String out, String err, double seconds) {
        /** The last line of stderr, where an error: line is. */
        String lastErrLine() {
            String[] lines = err.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    /** A started child. */
    record Child(Process process, Path out, Path err, long started) {
        long pid() {
            return process.pid();
        }

        /** Sends signal (INT, TERM, KILL) to the child. */
        void signal(String signal) throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                    .inheritIO()
                    .start()
                    .waitFor();
        }

        /** Waits for the child to end; a child that does not end in time is killed and reported as hung. */
        Run await() throws IOException, InterruptedException {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("the child " + pid() + " did not end within " + TIMEOUT_SECONDS + " s");
            }
            return new Run(
                    process.exitValue(),
                    Files.readString(out),
                    Files.readString(err),
                    (System.nanoTime() - started) / 1e9);
        }
    }

    private static int serial;

    /** Starts jpeglm with args in dir (the working directory). */
    Child start(Path dir, List<String> args) throws IOException {
        Files.createDirectories(work);
        String name;
        synchronized (Cli.class) {
            name = "run-" + (++serial);
        }
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        List<String> command = new ArrayList<>(
                List.of(java(), "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-jar", jar.toString()));
        command.addAll(args);
        Process p = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        return new Child(p, out, err, System.nanoTime());
    }

    Run run(Path dir, List<String> args) throws IOException, InterruptedException {
        return start(dir, args).await();
    }

    /** The java launcher of this JVM: the children run on the same JDK. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
