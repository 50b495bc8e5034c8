package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jpeglm.PrebuiltRuntimes.Exit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portable runtime with ggml's Vulkan backend built from source (build/native-portable-vulkan, made by
 * {@code scripts/vulkan-source-check build} with a glslc that has cooperative matrices) on Mesa's software Vulkan
 * device: {@link OffloadCheck} in a child JVM on that library, every layer on Vulkan0 against the same library's
 * CPU backend — logits within 1e-3 relative, greedy tokens identical, the bundled model's 8 images clean; the tiny
 * GQA model on the F32 shaders, as {@link VulkanOffloadTest} runs the prebuilt Vulkan package. Not in the default
 * run (its name matches no test pattern): {@code scripts/vulkan-source-check} builds the folder and runs this.
 * The folder can be another: {@code -Djpeglm.vulkan.source.build=DIR}.
 */
class VulkanSourceParityCheck {
    static final String TOLERANCE = "1e-3";

    @TempDir
    static Path dir;

    static Path library;

    @BeforeAll
    static void builtFromSource() throws Exception {
        VulkanOffloadTest.softwareVulkanIsInstalled();
        Path build = Path.of(System.getProperty(
                "jpeglm.vulkan.source.build",
                PrebuiltRuntimes.root().resolve("build/native-portable-vulkan").toString()));
        library = build.resolve("libjpeglm.so");
        for (Path file : List.of(library, build.resolve("libggml-vulkan.so"))) {
            assertTrue(
                    Files.isRegularFile(file), file + " is missing: build it with scripts/vulkan-source-check build");
        }
    }

    @Test
    void bundledModelOnVulkan0MatchesTheCpu() throws Exception {
        offloadCheck(
                VulkanOffloadTest.LLVMPIPE, RuntimeParityTest.bundledModel().toString(), TOLERANCE, "images");
    }

    @Test
    void tinyGqaModelOnVulkan0MatchesTheCpu() throws Exception {
        Map<String, String> f32Shaders = new HashMap<>(VulkanOffloadTest.LLVMPIPE);
        f32Shaders.put("GGML_VK_DISABLE_F16", "1");
        offloadCheck(f32Shaders, "tiny-gqa", TOLERANCE);
    }

    /** Runs OffloadCheck on the library with env and args; prints its table row; fails unless it passed. */
    private static void offloadCheck(Map<String, String> env, String... args) throws Exception {
        Exit run = PrebuiltRuntimes.child(library, env, OffloadCheck.class, List.of(args), dir);
        String row = run.log().lines().filter(l -> l.startsWith("| ")).reduce("", (a, b) -> b);
        System.out.println("vulkan-source-check row: " + row);
        assertEquals(0, run.code(), "OffloadCheck failed:\n" + run.log());
        assertTrue(row.endsWith("| pass |"), run.log());
        assertTrue(row.contains("| Vulkan0 |"), "the layers went to Vulkan0:\n" + run.log());
    }
}
