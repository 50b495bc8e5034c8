package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The test set-up of the runtime comparisons: builds libjpeglm the prebuilt way for a node-llama-cpp package (npm
 * fetches it the first time; later runs only re-check the build) and runs {@link RuntimeProbe} in a child JVM on
 * a given library with a given environment.
 */
final class PrebuiltRuntimes {
    private PrebuiltRuntimes() {}

    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();

    /** The repository's root (the folder holding native/include/jpeglm.h). */
    static Path root() {
        return NativeConstantsTest.headerPath().getParent().getParent().getParent();
    }

    /** libjpeglm.so built the prebuilt way on package (e.g. linux-x64), in build/native-prebuilt[-FLAVOR]. */
    static Path library(String pkg) {
        return BUILT.computeIfAbsent(pkg, PrebuiltRuntimes::build);
    }

    private static Path build(String pkg) {
        String suffix = pkg.equals("linux-x64") ? "" : "-" + pkg.replaceFirst("^linux-x64-", "");
        return build("native-prebuilt" + suffix, "-DJPEGLM_RUNTIME=prebuilt", "-DJPEGLM_PREBUILT_PACKAGE=" + pkg);
    }

    /**
     * libjpeglm.so built the portable way (llama.cpp compiled here with every CPU variant) in build/native-portable:
     * ≈ 15 minutes on 2 cores the first time, seconds once built (PortableRuntimeParityCheck).
     */
    static Path portable() {
        return BUILT.computeIfAbsent("portable", p -> build("native-portable", "-DJPEGLM_RUNTIME=portable"));
    }

    /** Configures and builds libjpeglm in build/FOLDER with the CMake options given; returns the library. */
    private static Path build(String folder, String... options) {
        Path root = root();
        Path dir = root.resolve("build/" + folder);
        Path log = root.resolve("build/" + folder + ".log");
        List<String> configure = new ArrayList<>(
                List.of("cmake", "-S", root.toString(), "-B", dir.toString(), "-DCMAKE_BUILD_TYPE=Release"));
        configure.addAll(List.of(options));
        run(log, configure.toArray(String[]::new));
        run(log, "cmake", "--build", dir.toString(), "--target", "jpeglm", "--parallel", "2");
        Path library = dir.resolve("libjpeglm.so");
        assertTrue(Files.isRegularFile(library), library + " was not built; see " + log);
        return library;
    }

    private static void run(Path log, String... command) {
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), String.join(" ", command) + " did not end in 10 minutes");
            assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed:\n" + tail(log));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + " (the prebuilt runtime needs CMake and npm)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
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
        Path log = Files.createTempFile(dir, "probe", ".log");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Djpeglm.library.path=" + library,
                "-Djpeglm.log.level=INFO",
                "-cp",
                System.getProperty("java.class.path"),
                RuntimeProbe.class.getName()));
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
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
