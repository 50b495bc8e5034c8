package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jpeglm.testing.PrebuiltRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/fetch-prebuilt-runtime checks a cached package's files against the sums it wrote when the tarball matched
 * the lock: a damaged file (which the build would copy and the manifest would hash) is fetched again, a package
 * cached before the sums existed gets them without being replaced. npm fetches the linux-x64 package into an empty
 * cache (about 11 MB; npm's own cache usually has it).
 */
class PrebuiltCacheTest {
    @TempDir
    Path cache;

    @Test
    void aDamagedCachedPackageIsFetchedAgainAndAnOldOneIsCheckedInPlace() throws Exception {
        Fetch first = fetch();
        Path dir = first.dir();
        assertEquals(cache.resolve("prebuilt-3.22.1").resolve("linux-x64"), dir);
        String sums = Files.readString(dir.resolve(".complete"));
        assertTrue(sums.contains("  libggml-cpu-x64.so\n") && sums.contains("  libggml-base.so\n"), sums);

        Path variant = dir.resolve("libggml-cpu-x64.so");
        byte[] good = Files.readAllBytes(variant);
        Files.write(variant, new byte[1000]);
        Fetch repaired = fetch();
        assertTrue(
                repaired.log().contains("is damaged (differs from the tarball: libggml-cpu-x64.so)"), repaired.log());
        assertArrayEquals(good, Files.readAllBytes(variant));

        Object inode = Files.getAttribute(variant, "unix:ino");
        Files.writeString(dir.resolve(".complete"), ""); // as fetched before the sums were kept
        Files.delete(dir.resolve(".integrity"));
        Fetch upgraded = fetch();
        assertFalse(upgraded.log().contains("damaged"), upgraded.log());
        assertEquals(inode, Files.getAttribute(variant, "unix:ino"), "the same files, not replaced");
        assertEquals(sums, Files.readString(dir.resolve(".complete")));

        Fetch reused = fetch();
        assertEquals("", reused.log(), "a checked cache is reused without npm");
    }

    record Fetch(Path dir, String log) {}

    private Fetch fetch() throws Exception {
        Path log = Files.createTempFile(cache, "fetch", ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        PrebuiltRuntime.root()
                                .resolve("scripts/fetch-prebuilt-runtime")
                                .toString(),
                        "linux-x64")
                .redirectError(log.toFile());
        pb.environment().putAll(Map.of("JPEGLM_CACHE_DIR", cache.toString()));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertEquals(0, p.waitFor(), Files.readString(log));
        String text = Files.readString(log);
        Files.delete(log);
        return new Fetch(Path.of(out), text);
    }
}
