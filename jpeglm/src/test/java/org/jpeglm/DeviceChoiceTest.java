package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.jpeglm.PrebuiltRuntimes.Exit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which device a model's layers go to, on the prebuilt runtime's Vulkan package with Mesa's software Vulkan device
 * (llvmpipe, named by GGML_VK_VISIBLE_DEVICES as in {@link VulkanOffloadTest}): with no device list jpeglm picks
 * Vulkan0; "none" keeps every layer on the CPU; an unknown name is refused with the devices there are. Each runs
 * the bundled model (5 layers with the output layer) in a child JVM.
 */
class DeviceChoiceTest {
    static final Pattern VULKAN_BUFFER = Pattern.compile("Vulkan0 (model|KV|compute) buffer");

    @TempDir
    static Path dir;

    static Path vulkan;

    @BeforeAll
    static void build() throws Exception {
        VulkanOffloadTest.softwareVulkanIsInstalled();
        vulkan = PrebuiltRuntimes.library("linux-x64-vulkan");
    }

    static Exit probe(String devices) throws Exception {
        return PrebuiltRuntimes.child(
                vulkan,
                VulkanOffloadTest.LLVMPIPE,
                DeviceProbe.class,
                List.of(RuntimeParityTest.bundledModel().toString(), "-1", devices),
                dir);
    }

    @Test
    void withoutADeviceListEveryLayerGoesToVulkan0() throws Exception {
        Exit run = probe("auto");
        assertEquals(0, run.code(), run.log());
        assertTrue(run.log().contains("INFO: offloading 5/5 layers to Vulkan0 (llvmpipe"), run.log());
        assertTrue(VULKAN_BUFFER.matcher(run.log()).find(), run.log());
    }

    @Test
    void noneKeepsEveryLayerOnTheCpu() throws Exception {
        Exit run = probe(ModelOptions.CPU_ONLY);
        assertEquals(0, run.code(), run.log());
        assertTrue(run.log().contains("INFO: all 5 layers on CPU ("), run.log());
        assertTrue(run.log().contains("offloaded 0/5 layers to GPU"), "llama.cpp agrees:\n" + run.log());
        assertFalse(VULKAN_BUFFER.matcher(run.log()).find(), "nothing allocated on Vulkan0:\n" + run.log());
        int[] cpu = DeviceProbe.greedy(RuntimeParityTest.bundledModel(), ModelOptions.defaults());
        assertTrue(run.log().contains("greedy: " + Arrays.toString(cpu)), "the tokens of the CPU:\n" + run.log());
    }

    @Test
    void anUnknownDeviceIsRefusedWithTheDevicesThereAre() throws Exception {
        Exit run = probe("Vulkan0,Vulkan7");
        assertEquals(DeviceProbe.REFUSED, run.code(), run.log());
        assertTrue(
                run.log()
                        .contains("refused: UNSUPPORTED: no device is named 'Vulkan7'; the devices are: Vulkan0"
                                + " (llvmpipe"),
                run.log());
        assertTrue(run.log().contains(", CPU ("), run.log());
    }
}
