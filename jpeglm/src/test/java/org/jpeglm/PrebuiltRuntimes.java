package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jpeglm.testing.PrebuiltRuntime;

/**
 * The test set-up of the runtime comparisons: builds libjpeglm the prebuilt way for a node-llama-cpp package
 * ({@link PrebuiltRuntime}) and runs {@link RuntimeProbe} (or another main class) in a child JVM on a given library
 * with a given environment.
 */
final class PrebuiltRuntimes {
    private PrebuiltRuntimes() {}

    /** The repository's root (the folder holding native/include/jpeglm.h). */
    static Path root() {
        return PrebuiltRuntime.root();
    }

    /** libjpeglm.so built the prebuilt way on package (e.g. linux-x64), in build/native-prebuilt[-FLAVOR]. */
    static Path library(String pkg) {
        return PrebuiltRuntime.library(pkg);
    }

    /** libjpeglm.so built the portable way, in build/native-portable ({@link PrebuiltRuntime#portable}). */
    static Path portable() {
        return PrebuiltRuntime.portable();
    }

    /**
     * Runs the probe on library in a child JVM with env added to a clean environment (no JPEGLM_BACKENDS nor
     * GGML_VK_VISIBLE_DEVICES unless given); its output, at INFO, is in the returned log.
     */
    static Run probe(Path library, Map<String, String> env, Path model, int gpuLayers, boolean images, Path dir)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "probe", ".bin");
        List<String> args = new ArrayList<>(List.of(model.toString(), Integer.toString(gpuLayers), out.toString()));
        if (images) {
            args.add("images");
        }
        Exit exit = child(library, env, args, dir);
        assertEquals(0, exit.code(), () -> "the probe on " + library + " " + env + " failed:\n" + exit.log());
        return new Run(RuntimeProbe.Result.read(out), exit.log());
    }

    /** How a child JVM ended: its exit code and its output. */
    record Exit(int code, String log) {}

    /** Runs {@link RuntimeProbe#main} with args on library in a child JVM (see {@link #probe}). */
    static Exit child(Path library, Map<String, String> env, List<String> args, Path dir)
            throws IOException, InterruptedException {
        return child(library, env, RuntimeProbe.class, args, dir);
    }

    /** Runs main's main method with args on library in a child JVM, as {@link #probe} does. */
    static Exit child(Path library, Map<String, String> env, Class<?> main, List<String> args, Path dir)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(dir, "probe", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djpeglm.library.path=" + library,
                "-Djpeglm.log.level=INFO",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().remove("JPEGLM_BACKENDS");
        pb.environment().remove("GGML_VK_VISIBLE_DEVICES");
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the probe did not end in 10 minutes: " + tail(log));
        } finally {
            p.destroyForcibly();
        }
        return new Exit(p.exitValue(), Files.readString(log));
    }

    record Run(RuntimeProbe.Result result, String log) {}

    static String tail(Path log) {
        return PrebuiltRuntime.tail(log);
    }
}
