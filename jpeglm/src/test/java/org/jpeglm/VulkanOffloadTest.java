package org.jpeglm;

import static org.jpeglm.testing.LogitsAssert.assertLogitsClose;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jpeglm.PrebuiltRuntimes.Run;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU-offload path, on any machine: the prebuilt runtime's Vulkan package on Mesa's software Vulkan device
 * (llvmpipe), every layer offloaded (-ngl -1). ggml uses a CPU-type Vulkan device only when
 * GGML_VK_VISIBLE_DEVICES names it. Logits agree within 1e-3 relative with the library under test on the CPU,
 * an 8-sequence session samples (the bundled model, whose images are clean there too: codec/image's
 * BundledModelVulkanOffloadTest). The bundled model runs ggml's default
 * shaders; the tiny model (F32 weights, small logits) runs the F32 ones (GGML_VK_DISABLE_F16): with F16 shaders
 * its batched prompt's logits measured 1.07e-3 relative, just over the bound (3.6e-4 with F32 shaders; single
 * tokens 1e-6 either way; docs/runtime.md). The bundled model's weights are Q8_0: the CPU rounds each matrix
 * product's input to 8 bits (Q8_0 blocks) where Vulkan's shaders do not round it the same way, so its logits are held
 * to 3e-2 (1.44e-2 measured on llvmpipe, 2026-12-07; llama.cpp's test-backend-ops also allows quantized products a
 * wider error than F32 ones). The largest error is printed.
 */
class VulkanOffloadTest {
    static final double TOLERANCE = 1e-3;
    /** For Q8_0 weights (the bundled model): the two backends quantize the products' inputs differently. */
    static final double Q8_0_TOLERANCE = 3e-2;

    static final Map<String, String> LLVMPIPE = Map.of("GGML_VK_VISIBLE_DEVICES", "0");

    @TempDir
    static Path dir;

    @BeforeAll
    static void softwareVulkanIsInstalled() throws IOException {
        Path icd = Path.of("/usr/share/vulkan/icd.d");
        boolean lavapipe = Files.isDirectory(icd) && hasLavapipe(icd);
        assertTrue(
                lavapipe,
                "no software Vulkan device: install mesa-vulkan-drivers and libvulkan1 "
                        + "(scripts/install-prerequisites --test)");
    }

    private static boolean hasLavapipe(Path icd) throws IOException {
        try (Stream<Path> files = Files.list(icd)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("lvp_icd"));
        }
    }

    @Test
    void tinyGqaModelRunsOnVulkan() throws Exception {
        Map<String, String> f32Shaders = new java.util.HashMap<>(LLVMPIPE);
        f32Shaders.put("GGML_VK_DISABLE_F16", "1");
        offloaded(TinyModels.gqaUntied().path(), false, f32Shaders, TOLERANCE, dir);
    }

    /**
     * Runs the probe with every layer on Vulkan0 (env added to the child's environment, files in dir) and compares it
     * with the CPU; returns what Vulkan computed.
     */
    static RuntimeProbe.Result offloaded(
            Path model, boolean images, Map<String, String> env, double tolerance, Path dir) throws Exception {
        RuntimeProbe.Result cpu = RuntimeProbe.run(model, 0, images);
        Run run = PrebuiltRuntimes.probe(PrebuiltRuntimes.library("linux-x64-vulkan"), env, model, -1, images, dir);
        RuntimeProbe.Result got = run.result();
        assertTrue(got.devices().contains("Vulkan0"), "no Vulkan0 among " + got.devices() + ":\n" + run.log());
        Matcher offload =
                Pattern.compile("offloaded (\\d+)/(\\d+) layers to GPU").matcher(run.log());
        assertTrue(offload.find(), "no offload line in the log:\n" + run.log());
        assertEquals(offload.group(2), offload.group(1), "every layer offloaded: " + offload.group());
        String what = model.getFileName() + " on Vulkan0";
        double largest = 0;
        for (int i = 0; i < cpu.logits().length; i++) {
            assertLogitsClose(cpu.logits()[i], got.logits()[i], tolerance, what + ", logits " + i);
            largest = Math.max(largest, relativeError(cpu.logits()[i], got.logits()[i]));
        }
        System.out.printf("%s: largest logit error %.2e relative (allowed %.0e)%n", what, largest, tolerance);
        assertEquals(RuntimeProbe.SEQUENCES, got.sampled().length);
        for (int[] sequence : got.sampled()) {
            assertEquals(RuntimeProbe.SAMPLED, sequence.length);
        }
        RuntimeParityTest.report(what, cpu, got);
        return got;
    }

    /** The largest |expected - actual| over the largest |expected|, as assertLogitsClose measures it. */
    private static double relativeError(float[] expected, float[] actual) {
        double scale = 0;
        double error = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            error = Math.max(error, Math.abs((double) expected[i] - actual[i]));
        }
        return error / Math.max(scale, Float.MIN_NORMAL);
    }
}
