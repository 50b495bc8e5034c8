package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.jpeglm.testing.ChildJvm;
import org.jpeglm.testing.PrebuiltRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * -dev/--device end to end: the command line in a child JVM on the prebuilt runtime's Vulkan package, with Mesa's
 * software Vulkan device (llvmpipe) made visible as Vulkan0 (the jpeglm module's VulkanOffloadTest and
 * DeviceChoiceTest test the choice itself).
 */
class DeviceOptionTest {
    @TempDir
    static Path dir;

    @Test
    void generateOffloadsToTheNamedDevice() throws Exception {
        Path library = PrebuiltRuntime.library("linux-x64-vulkan");
        Path out = dir.resolve("out");
        Path model = PrebuiltRuntime.root().resolve(ModelArgs.BUNDLED);
        ChildJvm.Result r = ChildJvm.of(
                        JpeglmCli.class,
                        Duration.ofMinutes(5),
                        "generate",
                        "-m",
                        model.toString(),
                        "-n",
                        "1",
                        "-ngl",
                        "-1",
                        "--device",
                        "Vulkan0",
                        "-t",
                        "1",
                        "-v",
                        "-o",
                        out.toString())
                .onLibrary(library, Map.of("GGML_VK_VISIBLE_DEVICES", "0"), "-Djpeglm.log.level=INFO")
                .run(line -> {});
        String log = String.join("\n", r.output());
        assertTrue(r.ok(), r.describe() + ":\n" + log);
        assertTrue(log.contains("jpeglm: info: offloading 5/5 layers to Vulkan0 (llvmpipe"), log);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(
                    1,
                    files.filter(f -> f.getFileName().toString().endsWith(".jpg"))
                            .count(),
                    log);
        }
    }
}
