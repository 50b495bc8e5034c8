package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jpeglm.PrebuiltRuntimes.Exit;
import org.jpeglm.testing.PrebuiltRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GPU backend whose driver or runtime is missing is skipped, said once at INFO and listed by
 * {@link Jpeglm#skippedBackends()}, and the model runs on the CPU (-ngl -1 warns once): the CUDA package on a
 * machine without the CUDA runtime, and the Vulkan package with libggml-vulkan.so made to need a libvulkan that
 * does not exist (patchelf). Each runs in a child JVM, where a crash would only fail the test.
 */
class MissingBackendTest {
    @TempDir
    static Path dir;

    @Test
    void cudaWithoutItsRuntimeIsSkipped() throws Exception {
        assumeFalse(
                cudaRuntimeInstalled(),
                "this machine has the CUDA 13 runtime, so the CUDA package's backend loads (not the case tested)");
        Exit run = runOnCpu(PrebuiltRuntimes.library("linux-x64-cuda"), Map.of());
        assertSkippedOnce(
                run, "libggml-cuda.so", "lib(cuda|cudart|cublas|cublasLt)\\.so\\.\\d+: cannot open shared object file");
    }

    @Test
    void vulkanWithoutLibvulkanIsSkipped() throws Exception {
        Path library = withoutLibvulkan(PrebuiltRuntimes.library("linux-x64-vulkan"));
        Exit run = runOnCpu(library, VulkanOffloadTest.LLVMPIPE);
        assertSkippedOnce(run, "libggml-vulkan.so", "libvulkan-missing\\.so\\.1: cannot open shared object file");
    }

    /** Runs the bundled model with -ngl -1 on library: it must run on the CPU, computing what the CPU computes. */
    private static Exit runOnCpu(Path library, Map<String, String> env) throws Exception {
        Exit run = PrebuiltRuntimes.child(
                library,
                env,
                DeviceProbe.class,
                List.of(RuntimeParityTest.bundledModel().toString(), "-1", "auto"),
                dir);
        assertEquals(0, run.code(), run.log());
        assertEquals(1, count(run.log(), "offloads nothing: there is no GPU device"), "one warning:\n" + run.log());
        assertTrue(run.log().contains("all 5 layers on CPU ("), run.log());
        int[] cpu = DeviceProbe.greedy(RuntimeParityTest.bundledModel(), ModelOptions.defaults());
        assertTrue(run.log().contains("greedy: " + Arrays.toString(cpu)), "the tokens of the CPU:\n" + run.log());
        return run;
    }

    private static void assertSkippedOnce(Exit run, String file, String reason) {
        assertEquals(
                1,
                count(run.log(), "INFO: skipped backend " + Pattern.quote(file) + ": " + reason),
                "one INFO line:\n" + run.log());
        assertEquals(1, count(run.log(), "skipped: " + Pattern.quote(file) + ": " + reason), "listed:\n" + run.log());
    }

    private static long count(String log, String regex) {
        return Pattern.compile(regex).matcher(log).results().count();
    }

    /** A copy of the build folder of library whose libggml-vulkan.so needs libvulkan-missing.so.1. */
    private static Path withoutLibvulkan(Path library) throws IOException {
        Path patchelf = Path.of("/usr/bin/patchelf");
        assertTrue(Files.isExecutable(patchelf), "patchelf is missing: scripts/install-prerequisites --test");
        Path copy = Files.createDirectories(dir.resolve("vulkan-without-libvulkan"));
        try (Stream<Path> files = Files.list(library.getParent())) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".so"))
                    .toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        PrebuiltRuntime.run(
                dir.resolve("patchelf.log"),
                patchelf.toString(),
                "--replace-needed",
                "libvulkan.so.1",
                "libvulkan-missing.so.1",
                copy.resolve("libggml-vulkan.so").toString());
        return copy.resolve("libjpeglm.so");
    }

    /** Whether the dynamic loader finds the CUDA 13 runtime and cuBLAS, which libggml-cuda.so needs. */
    private static boolean cudaRuntimeInstalled() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sh", "-c", "ldconfig -p || /sbin/ldconfig -p")
                .redirectErrorStream(true)
                .start();
        String cache = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return cache.contains("libcudart.so.13 ") && cache.contains("libcublas.so.13 ");
    }
}
