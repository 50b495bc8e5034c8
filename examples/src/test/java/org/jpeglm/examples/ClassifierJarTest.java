package org.jpeglm.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jpeglm-native:linux-x86_64 jar this build made, loaded for real by child JVMs whose class path has it as the
 * only library (no jpeglm.library.path): the set is extracted once into the cache and reused.
 */
class ClassifierJarTest {
    @TempDir
    Path dir;

    private final java.util.Map<Process, Path> logs = new java.util.HashMap<>();

    private static final Pattern LOADED = Pattern.compile("loaded (\\S+) in (\\d+) ms");

    @Test
    void twoJvmsOnAnEmptyCacheBothLoadAndALaterStartReusesTheSet() throws Exception {
        Path cache = dir.resolve("cache");
        List<Process> first = List.of(start(cache), start(cache));
        List<String> outputs = new ArrayList<>();
        for (Process p : first) {
            outputs.add(output(p));
        }
        Path library = library(outputs.get(0));
        assertEquals(library, library(outputs.get(1)), "both use the one cached set");
        assertTrue(library.startsWith(cache.resolve("native")), library.toString());
        assertTrue(
                library.getParent().getFileName().toString().matches("linux-x86_64-[0-9a-f]{16}"), library.toString());
        String both = String.join("\n", outputs);
        assertEquals(1, count(both, "extracted into the cache"), "one JVM extracts:\n" + both);
        assertEquals(1, count(both, "verified in the cache"), "the other waits and reuses it:\n" + both);

        FileTime mtime = Files.getLastModifiedTime(library);
        Object inode = Files.getAttribute(library, "unix:ino");
        String third = output(start(cache));
        assertEquals(library, library(third));
        assertEquals(1, count(third, "verified in the cache"), third);
        assertEquals(mtime, Files.getLastModifiedTime(library), "not rewritten");
        assertEquals(inode, Files.getAttribute(library, "unix:ino"), "not replaced");
        System.out.println("first starts:\n" + both + "\ncached start:\n" + third);
    }

    @Test
    void aDamagedCachedLibraryIsExtractedAgainAndLoads() throws Exception {
        Path cache = dir.resolve("cache");
        Path library = library(output(start(cache)));
        Path variant = library.resolveSibling("libggml-cpu-x64.so");
        Files.write(variant, new byte[] {1, 2, 3}); // truncated
        String out = output(start(cache));
        assertTrue(out.contains("libggml-cpu-x64.so is truncated"), out);
        assertEquals(1, count(out, "extracted into the cache"), out);
        assertEquals(library, library(out));
        assertTrue(Files.size(variant) > 3, "the whole set was put back");
    }

    /** A child JVM on the test class path without the plain jpeglm-native jar: only the classifier jar's set. */
    private Process start(Path cache) throws IOException {
        Path plain = ReactorArtifacts.find("jpeglm-native", "").jar();
        Path classifier = ReactorArtifacts.find("jpeglm-native", "linux-x86_64").jar();
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            if (!Path.of(entry).equals(plain)) {
                classPath.add(entry);
            }
        }
        assertTrue(classPath.contains(classifier.toString()), classPath.toString());
        ProcessBuilder pb = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED",
                        "-Djpeglm.cache.dir=" + cache,
                        "-cp",
                        String.join(java.io.File.pathSeparator, classPath),
                        NativeLoadMain.class.getName())
                .redirectErrorStream(true);
        Path log = Files.createTempFile(dir, "child", ".log");
        pb.redirectOutput(log.toFile());
        pb.environment().remove("JPEGLM_LIBRARY_PATH");
        pb.environment().remove("JPEGLM_BACKENDS");
        Process p = pb.start();
        logs.put(p, log);
        return p;
    }

    private String output(Process p) throws Exception {
        boolean ended;
        try {
            ended = p.waitFor(120, TimeUnit.SECONDS);
        } finally {
            p.destroyForcibly(); // its output stays readable: it went to a file
        }
        String out = Files.readString(logs.get(p), StandardCharsets.UTF_8);
        assertTrue(ended, "a child JVM took over 120 s:\n" + out);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    private static Path library(String output) {
        Matcher m = LOADED.matcher(output);
        assertTrue(m.find(), output);
        return Path.of(m.group(1));
    }

    private static long count(String text, String part) {
        return text.lines().filter(l -> l.contains(part)).count();
    }
}
