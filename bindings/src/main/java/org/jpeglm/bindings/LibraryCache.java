package org.jpeglm.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Extracts a bundled library set once into {@code <cache>/native/<classifier>-<manifest sha256, 16 hex>/} and
 * reuses it on later starts, after checking each file's size and sha256 against the manifest.
 *
 * <p>Several JVMs may start at once: a file lock beside the directory serialises the check and the extraction,
 * and a set is extracted into a sibling temporary directory that is renamed into place, so nobody ever sees half
 * a set. A corrupt or truncated file is never rewritten in place (a running JVM may have it mapped): the whole set
 * is extracted afresh and swapped in by renames. A complete set in a cache this process cannot write to is used
 * as it is; a cache that cannot be used otherwise falls back to a private temporary directory, deleted at exit,
 * with one warning.
 */
final class LibraryCache {
    private LibraryCache() {}

    static final System.Logger LOG = System.getLogger(NativeLibrary.class.getName());

    /**
     * Where a set ended up.
     *
     * @param directory the folder holding the set's files
     * @param extracted whether this start wrote them (false: a verified cached copy was reused)
     * @param cached    whether directory is the shared cache (false: a private temporary directory)
     */
    record Installed(Path directory, boolean extracted, boolean cached) {}

    /** The cache's root: jpeglm.cache.dir, JPEGLM_CACHE_DIR, $XDG_CACHE_HOME/jpeglm, ~/.cache/jpeglm. */
    static Path root() {
        for (String explicit :
                new String[] {System.getProperty("jpeglm.cache.dir"), System.getenv("JPEGLM_CACHE_DIR")}) {
            if (explicit != null && !explicit.isBlank()) {
                return Path.of(explicit);
            }
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "jpeglm");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "jpeglm");
    }

    /** The set in the cache under root, extracted there if needed; a private copy when root is unusable. */
    static Installed install(LibraryBundle bundle, Path root) {
        try {
            return inCache(bundle, root.resolve("native"));
        } catch (IOException e) {
            LOG.log(
                    Level.WARNING,
                    "cannot use the library cache " + root + " (" + e + "); extracting libjpeglm into a private"
                            + " temporary directory instead (set jpeglm.cache.dir or JPEGLM_CACHE_DIR to a writable one)");
        }
        try {
            Path dir = Files.createTempDirectory("libjpeglm-");
            dir.toFile().deleteOnExit(); // registered first, deleted last; mappings survive deletion on Linux
            for (LibraryManifest.Entry entry : bundle.manifest().entries()) {
                dir.resolve(entry.name()).toFile().deleteOnExit();
            }
            extract(bundle, dir);
            return new Installed(dir, true, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract libjpeglm from " + bundle.origin(), e);
        }
    }

    // synchronized: FileChannel.lock is per process, and throws when this JVM already holds it.
    private static synchronized Installed inCache(LibraryBundle bundle, Path parent) throws IOException {
        Files.createDirectories(parent);
        String name = bundle.manifest().directoryName();
        Path target = parent.resolve(name);
        FileChannel channel;
        try {
            channel = FileChannel.open(
                    parent.resolve(name + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            if (Files.isDirectory(target) && problem(bundle, target) == null) {
                return new Installed(target, false, true); // a read-only cache filled beforehand still serves
            }
            throw e;
        }
        try (channel;
                FileLock lock = channel.lock()) {
            if (Files.isDirectory(target)) {
                String problem = problem(bundle, target);
                if (problem == null) {
                    return new Installed(target, false, true);
                }
                LOG.log(
                        Level.WARNING,
                        "in the cached library set " + target + ", " + problem + ": extracting it again");
            }
            removeLeftovers(parent, name); // of JVMs killed while extracting: only the lock holder extracts
            Path fresh = Files.createTempDirectory(parent, "." + name + "-");
            try {
                extract(bundle, fresh);
                replace(target, fresh);
            } finally {
                deleteTree(fresh); // nothing left after a successful rename
            }
            return new Installed(target, true, true);
        }
    }

    /** Why the cached set in dir cannot be used ("FILE is ..."), or null when every file checks out. */
    static String problem(LibraryBundle bundle, Path dir) throws IOException {
        for (LibraryManifest.Entry entry : bundle.manifest().entries()) {
            Path file = dir.resolve(entry.name());
            if (!Files.isRegularFile(file)) {
                return entry.name() + " is missing";
            }
            long expected = bundle.size(entry.name());
            long actual = Files.size(file);
            if (expected >= 0 && actual != expected) {
                return entry.name() + " is truncated or overwritten (" + actual + " bytes, not " + expected + ")";
            }
            if (!sha256(file).equals(entry.sha256())) {
                return entry.name() + " is corrupt (its sha256 differs from the manifest's)";
            }
        }
        return null;
    }

    private static void extract(LibraryBundle bundle, Path dir) throws IOException {
        for (LibraryManifest.Entry entry : bundle.manifest().entries()) {
            bundle.copy(entry, dir.resolve(entry.name()));
        }
    }

    /** Renames fresh to target; an existing target is first renamed aside and then deleted. */
    private static void replace(Path target, Path fresh) throws IOException {
        if (!Files.exists(target)) {
            Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Path stale = target.resolveSibling(
                "." + target.getFileName() + "-stale-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.move(target, stale, StandardCopyOption.ATOMIC_MOVE);
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(stale); // JVMs still running on it keep their mappings
    }

    private static void removeLeftovers(Path parent, String name) throws IOException {
        try (Stream<Path> siblings = Files.list(parent)) {
            for (Path p : siblings.filter(p -> p.getFileName().toString().startsWith("." + name + "-"))
                    .toList()) {
                deleteTree(p);
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest digest = LibraryManifest.digest();
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
