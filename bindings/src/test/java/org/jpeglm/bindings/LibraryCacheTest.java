package org.jpeglm.bindings;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-version cache of bundled library sets, on fake sets in jars made here (no library is loaded). */
class LibraryCacheTest {
    @TempDir
    Path dir;

    /** Fake library files: distinct bytes each, a few hundred KB so that a copy takes a moment. */
    static Map<String, byte[]> files(String... names) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            byte[] bytes = new byte[300_000 + i];
            for (int j = 0; j < bytes.length; j++) {
                bytes[j] = (byte) (j * 31 + i);
            }
            files.put(names[i], bytes);
        }
        return files;
    }

    static String manifest(Map<String, byte[]> files) {
        StringBuilder text = new StringBuilder();
        files.forEach((name, bytes) -> text.append(LibraryManifest.sha256(bytes))
                .append("  ")
                .append(name)
                .append('\n'));
        return text.toString();
    }

    /** A jar with classifier's folder holding files and, unless null, the manifest text. */
    static Path jar(Path jar, String classifier, Map<String, byte[]> files, String manifest) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream j = new JarOutputStream(out)) {
            String folder = LibraryBundle.ROOT + classifier + "/";
            if (manifest != null) {
                j.putNextEntry(new JarEntry(folder + LibraryBundle.LIST));
                j.write(manifest.getBytes(StandardCharsets.UTF_8));
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                j.putNextEntry(new JarEntry(folder + f.getKey()));
                j.write(f.getValue());
            }
        }
        return jar;
    }

    static LibraryBundle find(Path... jars) throws IOException {
        return CacheInstallMain.find(jars);
    }

    LibraryBundle standard() throws IOException {
        Map<String, byte[]> files = files("libjpeglm.so", "libggml-base.so", "libggml-cpu-x64.so");
        return find(jar(dir.resolve("native.jar"), "linux-x86_64", files, manifest(files)));
    }

    static Object inode(Path file) throws IOException {
        return Files.getAttribute(file, "unix:ino");
    }

    @Test
    void aSecondStartReusesTheCachedSetWithoutRewritingIt() throws IOException {
        LibraryBundle bundle = standard();
        Path root = dir.resolve("cache");
        LibraryCache.Installed first = LibraryCache.install(bundle, root);
        assertTrue(first.extracted() && first.cached(), first.toString());
        assertEquals(root.resolve("native").resolve(bundle.manifest().directoryName()), first.directory());
        Path lib = first.directory().resolve("libggml-cpu-x64.so");
        Object inode = inode(lib);
        FileTime mtime = Files.getLastModifiedTime(lib);

        LibraryCache.Installed second = LibraryCache.install(bundle, root);
        assertEquals(first.directory(), second.directory());
        assertFalse(second.extracted(), "the verified cached copy is reused");
        assertEquals(inode, inode(lib));
        assertEquals(mtime, Files.getLastModifiedTime(lib));
        assertNull(LibraryCache.problem(bundle, second.directory()));
    }

    @Test
    void theDirectoryIsNamedByClassifierAndTheManifestsHash() throws IOException {
        LibraryManifest manifest = standard().manifest();
        String sha = LibraryManifest.sha256(manifest.text().getBytes(StandardCharsets.UTF_8));
        assertEquals("linux-x86_64-" + sha.substring(0, 16), manifest.directoryName());
    }

    @Test
    void aCorruptCachedFileIsReplacedNotRewrittenInPlace() throws IOException {
        assertReextracted(file -> {
            byte[] bytes = Files.readAllBytes(file);
            bytes[bytes.length / 2] ^= 1; // same size, one bit off
            Files.write(file, bytes);
        });
    }

    @Test
    void aTruncatedCachedFileIsReplaced() throws IOException {
        assertReextracted(file -> Files.write(file, new byte[100]));
    }

    @Test
    void aMissingCachedFileIsReplaced() throws IOException {
        assertReextracted(Files::delete);
    }

    interface Damage {
        void apply(Path file) throws IOException;
    }

    private void assertReextracted(Damage damage) throws IOException {
        LibraryBundle bundle = standard();
        Path root = dir.resolve("cache");
        Path set = LibraryCache.install(bundle, root).directory();
        Path damaged = set.resolve("libggml-base.so");
        Path untouched = set.resolve("libjpeglm.so");
        Object untouchedInode = inode(untouched);
        damage.apply(damaged);
        assertNotNull(LibraryCache.problem(bundle, set));

        LibraryCache.Installed again = LibraryCache.install(bundle, root);
        assertTrue(again.extracted(), "a damaged set is extracted again");
        assertEquals(set, again.directory());
        assertNull(LibraryCache.problem(bundle, set), "every file checks out again");
        assertNotEquals(untouchedInode, inode(untouched), "the set was swapped in whole, by rename");
        try (var siblings = Files.list(root.resolve("native"))) {
            List<String> names =
                    siblings.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of(set.getFileName().toString(), set.getFileName() + ".lock"), names, "no leftovers");
        }
    }

    @Test
    void anUnwritableCacheFallsBackToAPrivateDirectoryWithOneWarning() throws Exception {
        Map<String, byte[]> files = files("libjpeglm.so", "libggml-base.so");
        Path jar = jar(dir.resolve("native.jar"), "linux-x86_64", files, manifest(files));
        // Tests run as root, whom permissions do not stop: a directory under a regular file cannot be made.
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path root = file.resolve("cache");
        String out = child(jar, root).waitForOutput();
        List<String> lines = out.lines().toList();
        assertTrue(lines.getLast().startsWith("private /"), out);
        assertFalse(lines.getLast().contains(file.toString()), out);
        // JUL's console handler prints "<date> <class> <method>" and then "WARNING: <message>".
        List<String> warnings =
                lines.stream().filter(l -> l.startsWith("WARNING: ")).toList();
        assertEquals(1, warnings.size(), out);
        assertTrue(warnings.get(0).contains("cannot use the library cache " + root), out);
        assertTrue(warnings.get(0).contains("private temporary directory"), out);
    }

    @Test
    void aCompleteCacheThatCannotBeLockedStillServes() throws IOException {
        LibraryBundle bundle = standard();
        Path root = dir.resolve("cache");
        Path set = LibraryCache.install(bundle, root).directory();
        // As root no permission stops a write; a directory where the lock file goes stops the lock as well.
        Path lock = set.resolveSibling(set.getFileName() + ".lock");
        Files.delete(lock);
        Files.createDirectory(lock);
        LibraryCache.Installed again = LibraryCache.install(bundle, root);
        assertEquals(new LibraryCache.Installed(set, false, true), again);

        Files.write(set.resolve("libjpeglm.so"), new byte[1]); // damaged, and no lock to repair it under
        assertFalse(LibraryCache.install(bundle, root).cached(), "falls back to a private copy");
    }

    @Test
    void aManifestNamingAFileTheJarLacksIsRefused() throws IOException {
        Map<String, byte[]> files = files("libjpeglm.so", "libggml-base.so");
        String manifest = manifest(files);
        files.remove("libggml-base.so");
        LibraryBundle bundle = find(jar(dir.resolve("n.jar"), "linux-x86_64", files, manifest));
        UnsatisfiedLinkError e =
                assertThrows(UnsatisfiedLinkError.class, () -> LibraryCache.install(bundle, dir.resolve("c")));
        assertTrue(e.getMessage().contains("lists libggml-base.so, which"), e.getMessage());
        assertTrue(e.getMessage().contains("lacks"), e.getMessage());
    }

    @Test
    void unsafeOrMalformedManifestsAreRefused() throws IOException {
        Map<String, byte[]> files = files("libjpeglm.so");
        String good = manifest(files);
        String sha = good.substring(0, 64);
        Map<String, String> bad = Map.of(
                good + sha + "  ../evil.so\n", "'../evil.so' is not a plain file name",
                good + sha + "  .hidden.so\n", "'.hidden.so' is not a plain file name",
                good + sha + "  sub/x.so\n", "'sub/x.so' is not a plain file name",
                good + "libggml.so\n", "line 2 is not '<sha256 hex>  <file name>'",
                good + good, "libjpeglm.so is listed twice",
                sha + "  libggml.so\n", "it does not list libjpeglm.so");
        int i = 0;
        for (Map.Entry<String, String> c : bad.entrySet()) {
            Path jar = jar(dir.resolve("bad" + i++ + ".jar"), "linux-x86_64", files, c.getKey());
            UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class, () -> find(jar), c.getKey());
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
            assertTrue(e.getMessage().contains("refusing jar:"), e.getMessage());
        }
    }

    @Test
    void aFileWhoseHashDiffersFromTheManifestIsRefused() throws IOException {
        Map<String, byte[]> files = files("libjpeglm.so");
        String manifest = manifest(files);
        files.get("libjpeglm.so")[7] ^= 1;
        LibraryBundle bundle = find(jar(dir.resolve("n.jar"), "linux-x86_64", files, manifest));
        UnsatisfiedLinkError e =
                assertThrows(UnsatisfiedLinkError.class, () -> LibraryCache.install(bundle, dir.resolve("c")));
        assertTrue(e.getMessage().contains("the jar is inconsistent"), e.getMessage());
        try (var left = Files.list(dir.resolve("c/native"))) {
            assertTrue(left.noneMatch(Files::isDirectory), "nothing half-done is left");
        }
    }

    @Test
    void cudaThenVulkanThenTheCpuSetWins() throws IOException {
        Map<String, byte[]> files = files("libjpeglm.so");
        Path cpu = jar(dir.resolve("cpu.jar"), "linux-x86_64", files, manifest(files));
        Path vulkan = jar(dir.resolve("vulkan.jar"), "linux-x86_64-vulkan", files, manifest(files));
        Path cuda = jar(dir.resolve("cuda.jar"), "linux-x86_64-cuda", files, manifest(files));
        assertEquals("linux-x86_64-cuda", find(cpu, vulkan, cuda).manifest().classifier());
        assertEquals("linux-x86_64-vulkan", find(cpu, vulkan).manifest().classifier());
        assertEquals("linux-x86_64", find(cpu).manifest().classifier());
        assertEquals(
                List.of("linux-x86_64-cuda", "linux-x86_64-vulkan", "linux-x86_64"),
                LibraryBundle.classifiers("linux-x86_64"));
    }

    @Test
    void filesComeFromTheJarHoldingTheManifest() throws IOException {
        Map<String, byte[]> files = files("libjpeglm.so");
        // A source build's jar first on the class path: libjpeglm alone, other bytes, no manifest.
        Path source = jar(dir.resolve("source.jar"), "linux-x86_64", files("libjpeglm.so", "x"), null);
        Path listed = jar(dir.resolve("listed.jar"), "linux-x86_64", files, manifest(files));
        LibraryBundle bundle = find(source, listed);
        assertTrue(bundle.origin().contains("listed.jar"), bundle.origin());
        assertNull(LibraryCache.problem(
                bundle, LibraryCache.install(bundle, dir.resolve("c")).directory()));
    }

    @Test
    void aJarWithoutManifestBundlesLibjpeglmAlone() throws IOException {
        Map<String, byte[]> files = files("libjpeglm.so");
        LibraryBundle bundle = find(jar(dir.resolve("source.jar"), "linux-x86_64", files, null));
        assertEquals(
                List.of("libjpeglm.so"),
                bundle.manifest().entries().stream()
                        .map(LibraryManifest.Entry::name)
                        .toList());
        Path set = LibraryCache.install(bundle, dir.resolve("c")).directory();
        assertArrayEquals(files.get("libjpeglm.so"), Files.readAllBytes(set.resolve("libjpeglm.so")));
    }

    /** A child JVM running {@link CacheInstallMain} on jar and root. */
    record Child(Process process) {
        /** Its output, once it ended with status 0. */
        String waitForOutput() throws Exception {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "a child JVM did not end");
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), out);
            return out;
        }
    }

    static Child child(Path jar, Path root) throws IOException {
        return new Child(
                java(List.of(), List.of(), System.getProperty("java.class.path"), CacheInstallMain.class, jar, root));
    }

    /**
     * A child JVM running main with args (its output and errors together), with options, its command after prefix
     * (e.g. setpriv's).
     */
    static Process java(List<String> prefix, List<String> options, String classPath, Class<?> main, Object... args)
            throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, main.getName()));
        for (Object a : args) {
            command.add(a.toString());
        }
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    @Test
    void twoJvmsStartingAtOnceOnAnEmptyCacheBothGetTheWholeSet() throws Exception {
        Map<String, byte[]> many =
                files("libjpeglm.so", "a.so", "b.so", "c.so", "d.so", "e.so", "f.so", "g.so", "h.so", "i.so", "j.so");
        Path jar = jar(dir.resolve("native.jar"), "linux-x86_64", many, manifest(many));
        Path root = dir.resolve("cache");
        List<Child> children = List.of(child(jar, root), child(jar, root));
        List<String> outputs = new ArrayList<>();
        for (Child c : children) {
            outputs.add(c.waitForOutput().strip().lines().reduce((a, b) -> b).orElseThrow());
        }
        LibraryBundle bundle = find(jar);
        Path set = root.resolve("native").resolve(bundle.manifest().directoryName());
        assertEquals(
                List.of("ok " + set, "ok " + set), outputs.stream().sorted().toList());
        assertNull(LibraryCache.problem(bundle, set));
    }

    /** A child JVM holding lock until closed. */
    record LockHolder(Process process) implements AutoCloseable {
        static LockHolder hold(Path lock) throws IOException {
            Process p = java(List.of(), List.of(), System.getProperty("java.class.path"), HoldLockMain.class, lock);
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            assertEquals("locked", first, "the child holds the lock");
            return new LockHolder(p);
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aHeldLockDoesNotDelayAStartOnAWholeSet() throws Exception {
        LibraryBundle bundle = standard();
        Path root = dir.resolve("cache");
        Path set = LibraryCache.install(bundle, root).directory();
        try (LockHolder holder = LockHolder.hold(set.resolveSibling(set.getFileName() + ".lock"))) {
            long start = System.nanoTime();
            LibraryCache.Installed again =
                    assertTimeoutPreemptively(Duration.ofSeconds(20), () -> LibraryCache.install(bundle, root));
            assertEquals(new LibraryCache.Installed(set, false, true), again);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(2).toNanos(), "checked without the lock");
        }
    }

    @Test
    void aLockHeldWhileASetMustBeExtractedIsWaitedForWithAWordAndABound() throws Exception {
        Map<String, byte[]> files = files("libjpeglm.so", "libggml-base.so");
        Path jar = jar(dir.resolve("native.jar"), "linux-x86_64", files, manifest(files));
        LibraryBundle bundle = find(jar);
        Path root = dir.resolve("cache");
        Path lock = root.resolve("native").resolve(bundle.manifest().directoryName() + ".lock");
        try (LockHolder holder = LockHolder.hold(lock)) {
            long start = System.nanoTime();
            Process waiting = java(
                    List.of(),
                    List.of("-D" + LibraryCache.LOCK_TIMEOUT_PROPERTY + "=4"),
                    System.getProperty("java.class.path"),
                    CacheInstallMain.class,
                    jar,
                    root);
            assertTrue(waiting.waitFor(60, TimeUnit.SECONDS), "the wait is bounded");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String out = new String(waiting.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertNotEquals(0, waiting.exitValue(), out);
            assertTrue(took.compareTo(Duration.ofSeconds(4)) >= 0, "waited its 4 s: " + took);
            String holderName = "process " + holder.process().pid() + " (java)";
            // JUL's console handler prints "WARNING: <message>" after a line of date and class.
            List<String> warnings =
                    out.lines().filter(l -> l.startsWith("WARNING: ")).toList();
            assertEquals(1, warnings.size(), out);
            assertTrue(
                    warnings.get(0)
                            .startsWith("WARNING: waiting for the library cache's lock " + lock + ", held by "
                                    + holderName),
                    out);
            String error = "java.lang.UnsatisfiedLinkError: the library cache's lock " + lock + " was held by "
                    + holderName + " for 4 s";
            assertTrue(out.contains(error) && out.contains("to another cache"), out);
        }
        assertTrue(LibraryCache.install(bundle, root).extracted(), "once the lock is free, the set is extracted");
    }

    @Test
    void aCacheFilledByAnotherUserIsUsedAsItIs() throws Exception {
        assumeTrue(
                Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0) && Files.isExecutable(SETPRIV),
                "needs root and setpriv to run a child JVM as another user");
        // Everything the other user reads lies in a folder all may read (JUnit's @TempDir is private).
        Path shared = Files.createTempDirectory("jpeglm-shared-cache-");
        try {
            Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
            Map<String, byte[]> files = files("libjpeglm.so", "libggml-base.so", "libggml-cpu-x64.so");
            Path jar = jar(shared.resolve("native.jar"), "linux-x86_64", files, manifest(files));
            Path root = shared.resolve("cache");
            Path set = LibraryCache.install(find(jar), root).directory(); // filled by root, the cache's owner
            Process other = java(
                    List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534", "--clear-groups"),
                    List.of(),
                    codeSource(CacheInstallMain.class) + java.io.File.pathSeparator + codeSource(LibraryCache.class),
                    CacheInstallMain.class,
                    jar,
                    root);
            String out = new Child(other).waitForOutput();
            assertEquals("ok " + set, out.strip().lines().reduce((a, b) -> b).orElseThrow(), "used read-only:\n" + out);
        } finally {
            deleteTree(shared);
        }
    }

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
    }

    private static void deleteTree(Path dir) throws IOException {
        LibraryCache.deleteTree(dir);
    }
}
