package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jpeglm's VulkanOffloadTest on the bundled model, whose workload includes its 8 images and so needs the JPEG codec
 * (this module): every layer on llvmpipe's Vulkan0, logits within the Q8_0 bound of the CPU's, and every image clean.
 */
class BundledModelVulkanOffloadTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void softwareVulkanIsInstalled() throws IOException {
        VulkanOffloadTest.softwareVulkanIsInstalled();
    }

    @Test
    void bundledModelRunsOnVulkan() throws Exception {
        Path model = RuntimeParityTest.bundledModel();
        RuntimeProbe.Result got = VulkanOffloadTest.offloaded(
                model, true, VulkanOffloadTest.LLVMPIPE, VulkanOffloadTest.Q8_0_TOLERANCE, dir);
        assertEquals(8, got.images().length);
        for (byte[] image : got.images()) {
            assertEquals(1, image[image.length - 1], "an image generated on Vulkan is clean");
        }
    }
}
