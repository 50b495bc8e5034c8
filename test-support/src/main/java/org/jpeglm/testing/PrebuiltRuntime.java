package org.jpeglm.testing;

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
 * libjpeglm built the prebuilt way (docs/runtime.md) on one of node-llama-cpp's packages, or the portable way, for
 * the tests that run the native runtime's variants in child JVMs: npm fetches a package the first time (into
 * ~/.cache/jpeglm); later runs only re-check the build.
 */
public final class PrebuiltRuntime {
    private PrebuiltRuntime() {}

    private static final Map<String, Path> BUILT = new ConcurrentHashMap<>();

    /** The repository's root: the folder above the working directory that holds native/include/jpeglm.h. */
    public static Path root() {
        Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
        for (Path p = base.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("native/include/jpeglm.h"))) {
                return p;
            }
        }
        throw new AssertionError("native/include/jpeglm.h not found above " + base);
    }

    /**
     * libjpeglm.so built on package (linux-x64, linux-x64-vulkan, linux-x64-cuda) in build/native-prebuilt for
     * linux-x64, else build/native-prebuilt-FLAVOR (build/native-prebuilt-vulkan, ...).
     */
    public static Path library(String pkg) {
        return BUILT.computeIfAbsent(pkg, PrebuiltRuntime::build);
    }

    private static Path build(String pkg) {
        String suffix = pkg.equals("linux-x64") ? "" : "-" + pkg.replaceFirst("^linux-x64-", "");
        return build("native-prebuilt" + suffix, "-DJPEGLM_RUNTIME=prebuilt", "-DJPEGLM_PREBUILT_PACKAGE=" + pkg);
    }

    /**
     * libjpeglm.so built the portable way (llama.cpp compiled here with every CPU variant, docs/runtime.md) in
     * build/native-portable: about 15 minutes on 2 cores the first time, seconds once built.
     */
    public static Path portable() {
        return BUILT.computeIfAbsent("portable", p -> build("native-portable", "-DJPEGLM_RUNTIME=portable"));
    }

    /** Configures and builds libjpeglm and its list in build/FOLDER with the CMake options given. */
    private static Path build(String folder, String... options) {
        Path root = root();
        Path dir = root.resolve("build/" + folder);
        Path log = root.resolve("build/" + folder + ".log");
        List<String> configure = new ArrayList<>(
                List.of("cmake", "-S", root.toString(), "-B", dir.toString(), "-DCMAKE_BUILD_TYPE=Release"));
        configure.addAll(List.of(options));
        run(log, configure.toArray(String[]::new));
        run(log, "cmake", "--build", dir.toString(), "--target", "jpeglm", "jpeglm-libraries", "--parallel", "2");
        Path library = dir.resolve("libjpeglm.so");
        assertTrue(Files.isRegularFile(library), library + " was not built; see " + log);
        return library;
    }

    /** Runs command with its output appended to log; fails with the log's tail unless it succeeds in 10 minutes. */
    public static void run(Path log, String... command) {
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

    /** The last 40 lines of log, for a failure message. */
    public static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }
}
