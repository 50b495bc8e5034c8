package org.jpeglm.convert;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.jpeglm.bindings.NativeLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The converter is usable as a library without the native library: a JVM whose class path lacks the jpeglm-native
 * jar, and which is told no library path, converts to F32, F16 and Q8_0, and refuses a k-quant with an error that
 * says it needs the native library (no crash, no UnsatisfiedLinkError).
 */
class NoNativeLibraryTest {
    @TempDir
    Path dir;

    @Test
    void javaTypesConvertWithoutTheNativeLibrary() throws IOException, InterruptedException {
        List<String> classPath = Arrays.stream(
                        System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !holdsNativeLibrary(e))
                .toList();
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m",
                        "-cp",
                        String.join(File.pathSeparator, classPath),
                        NoNativeConvertMain.class.getName(),
                        dir.toString())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().remove("JPEGLM_LIBRARY_PATH");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the child JVM took over 120 s");
        }
        String out = Files.readString(dir.resolve("stdout.txt"));
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), "stdout:\n" + out + "\nstderr:\n" + err);
        for (String type : List.of("f32", "f16", "q8_0")) {
            assertTrue(out.contains("converted " + type + ": 21 tensors"), out);
        }
        assertTrue(
                out.contains(
                        "refused q4_k_m: type q4_k_m is written by llama.cpp's quantizer, which needs the native library, "
                                + "and it cannot be loaded: libjpeglm not found"),
                out);
        assertTrue(out.contains("f32, f16, bf16 and q8_0 need no native library"), out);
        assertFalse(err.contains("UnsatisfiedLinkError") || err.contains("Exception"), err);
    }

    /** Whether a class path entry carries the bundled libjpeglm (the jpeglm-native jar or its classes folder). */
    private static boolean holdsNativeLibrary(String entry) {
        Path p = Path.of(entry);
        if (Files.isDirectory(p)) {
            return Files.exists(p.resolve(NativeLibrary.RESOURCE));
        }
        try (JarFile jar = new JarFile(p.toFile())) {
            return jar.getEntry(NativeLibrary.RESOURCE) != null;
        } catch (IOException notAJar) {
            return false;
        }
    }
}
