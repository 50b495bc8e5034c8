package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jpeglm.PrebuiltRuntimes.Exit;
import org.jpeglm.testing.PrebuiltRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged library beside libjpeglm (truncated, as by a full disk or an interrupted copy) is refused by name
 * before anything is loaded, instead of crashing the JVM with SIGBUS when the dynamic loader touches the pages past
 * its end: a CPU variant (ggml opens every one to score it) and the Vulkan backend, in copies of the prebuilt build
 * folder, each in a child JVM.
 */
class DamagedLibraryTest {
    @TempDir
    Path dir;

    @Test
    void aTruncatedCpuVariantIsRefusedByNameNotACrash() throws Exception {
        Path copy = copyOfPrebuiltFolder("cpu");
        truncate(copy.resolve("libggml-cpu-sse42.so"));
        assertRefused(copy, "libggml-cpu-sse42.so");
    }

    @Test
    void aTruncatedVulkanBackendIsRefusedByNameNotACrash() throws Exception {
        Path copy = copyOfPrebuiltFolder("vulkan");
        Path vulkan = fetched("linux-x64-vulkan").resolve("libggml-vulkan.so");
        Files.copy(vulkan, copy.resolve("libggml-vulkan.so"));
        truncate(copy.resolve("libggml-vulkan.so"));
        assertRefused(copy, "libggml-vulkan.so");
    }

    @Test
    void anIntactFolderStarts() throws Exception {
        Exit run = start(copyOfPrebuiltFolder("intact"));
        assertEquals(0, run.code(), run.log());
        assertTrue(run.log().contains("devices: [") && run.log().contains("CPU"), run.log());
    }

    private void assertRefused(Path folder, String file) throws Exception {
        Exit run = start(folder);
        assertEquals(3, run.code(), "a clear error, not a crash (134 is SIGABRT after SIGBUS):\n" + run.log());
        assertTrue(
                run.log()
                        .contains("java.lang.UnsatisfiedLinkError: refusing to load " + folder.resolve("libjpeglm.so")
                                + ": " + folder.resolve(file) + " is damaged"),
                run.log());
        assertFalse(run.log().contains("A fatal error has been detected"), run.log());
    }

    private Exit start(Path folder) throws Exception {
        return PrebuiltRuntimes.child(folder.resolve("libjpeglm.so"), Map.of(), NativeStartMain.class, List.of(), dir);
    }

    /** The libraries of build/native-prebuilt (the linux-x64 package and libjpeglm), copied into a new folder. */
    private Path copyOfPrebuiltFolder(String name) throws IOException {
        Path built = PrebuiltRuntimes.library("linux-x64").getParent();
        Path copy = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(built)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".so"))
                    .toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    /** Cuts file to half its size. */
    static void truncate(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() / 2);
        }
    }

    /** The folder scripts/fetch-prebuilt-runtime fetched (or had cached) package into. */
    static Path fetched(String pkg) throws Exception {
        Path log = Files.createTempFile("fetch-prebuilt", ".log");
        Process p = new ProcessBuilder(
                        PrebuiltRuntime.root()
                                .resolve("scripts/fetch-prebuilt-runtime")
                                .toString(),
                        pkg)
                .redirectError(log.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), Files.readString(log));
        return Path.of(out);
    }
}
