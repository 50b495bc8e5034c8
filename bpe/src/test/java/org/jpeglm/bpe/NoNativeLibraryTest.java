package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BPE tokenizer is a library of its own: no FFM bindings, no native library and no jpeglm runtime on its class
 * path; and Jackson is needed only to read and write tokenizer.json (a JVM without it trains, encodes, decodes and
 * moves tokenizers through GGUF metadata).
 */
class NoNativeLibraryTest {
    @TempDir
    Path dir;

    @Test
    void noRuntimeBindingsNorNativeLibraryOnTheClassPath() {
        for (String name :
                List.of("org.jpeglm.bindings.jpeglm_h", "org.jpeglm.bindings.NativeLibrary", "org.jpeglm.Jpeglm")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            assertFalse(holdsNativeLibrary(Path.of(entry)), entry + " holds libjpeglm");
        }
        BpeTokenizer t = BpeTrainer.defaults()
                .withMergeCount(8)
                .train(List.of(new byte[] {1, 2, 1, 2, 1, 2, 3}, new byte[] {1, 2, 3}));
        byte[] bytes = {3, 1, 2, 1, 2, 9};
        assertArrayEquals(bytes, t.decode(t.encode(bytes)));
        assertTrue(t.encode(bytes).length < bytes.length, "merges apply");
    }

    @Test
    void jacksonIsOnlyNeededForTokenizerJson() throws IOException, InterruptedException {
        List<String> all = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        List<String> withoutJackson = all.stream()
                .filter(e -> !Path.of(e).getFileName().toString().startsWith("jackson-"))
                .toList();
        assertTrue(withoutJackson.size() < all.size(), "Jackson is on the test's class path: " + all);
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m",
                        "-cp",
                        String.join(File.pathSeparator, withoutJackson),
                        NoJacksonMain.class.getName())
                .redirectOutput(dir.resolve("stdout.txt").toFile())
                .redirectError(dir.resolve("stderr.txt").toFile());
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the child JVM took over 60 s");
        }
        String out = Files.readString(dir.resolve("stdout.txt"));
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), "stdout:\n" + out + "\nstderr:\n" + err);
        assertTrue(out.contains("no Jackson\nround trip: 40 merges, 298 tokens\ngguf metadata: "), out);
        assertTrue(out.contains("tokenizer.json needs Jackson: com/fasterxml/jackson/"), out);
        assertEquals("", err);
    }

    /** Whether a class path entry carries a bundled libjpeglm (org/jpeglm/native/...). */
    static boolean holdsNativeLibrary(Path entry) {
        if (Files.isDirectory(entry)) {
            return Files.exists(entry.resolve("org/jpeglm/native"));
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            return jar.stream().anyMatch(e -> e.getName().startsWith("org/jpeglm/native/"));
        } catch (IOException notAJar) {
            return false;
        }
    }
}
