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
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Extracts a bundled library set once into {@code <cache>/native/<classifier>-<manifest sha256, 16 hex>/} and
 * reuses it on later starts, after checking each file's size and sha256 against the manifest.
 *
 * <p>A set is extracted into a sibling temporary directory that is renamed into place, so nobody ever sees half a
 * set: checking a cached set takes no lock, and a whole one is used by whoever can read it (sets are readable by
 * all, so a cache filled by another user serves too). Extraction happens under a file lock beside the directory,
 * so that several JVMs starting at once extract once; a start that waits for another's lock says so after two
 * seconds and gives up, naming the holder, after a minute. A corrupt or truncated file is never rewritten in place
 * (a running JVM may have it mapped): the whole set is extracted afresh and swapped in by renames. A cache that
 * cannot be used otherwise (not writable and not complete) falls back to a private temporary directory, deleted at
 * exit, with one warning.
 */
final class LibraryCache {
    private LibraryCache() {}

    static final System.Logger LOG = System.getLogger(NativeLibrary.class.getName());

    /** The system property bounding the wait for the cache's lock, in seconds (default 60). */
    static final String LOCK_TIMEOUT_PROPERTY = "jpeglm.cache.lock.timeout";

    private static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LOCK_NOTICE = Duration.ofSeconds(2);
    private static final Duration LOCK_POLL = Duration.ofMillis(50);

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

    // synchronized: a FileLock is per process, and tryLock throws when this JVM already holds it.
    private static synchronized Installed inCache(LibraryBundle bundle, Path parent) throws IOException {
        String name = bundle.manifest().directoryName();
        Path target = parent.resolve(name);
        // Checking needs no lock: a set only ever appears whole, by rename. Whoever can read it may use it.
        if (intact(bundle, target)) {
            return new Installed(target, false, true);
        }
        Files.createDirectories(parent);
        Path lockFile = parent.resolve(name + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = acquire(channel, lockFile)) {
            if (Files.isDirectory(target)) {
                String problem = problem(bundle, target);
                if (problem == null) {
                    return new Installed(target, false, true); // another process extracted it while we waited
                }
                LOG.log(
                        Level.WARNING,
                        "in the cached library set " + target + ", " + problem + ": extracting it again");
            }
            removeLeftovers(parent, name); // of JVMs killed while extracting: only the lock holder extracts
            // Made with the umask's permissions, as the files in it are (createTempDirectory's 0700 kept a cache
            // filled by one user from every other).
            Path fresh = Files.createDirectory(
                    parent.resolve("." + name + "-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
            try {
                extract(bundle, fresh);
                replace(target, fresh);
            } finally {
                deleteTree(fresh); // nothing left after a successful rename
            }
            return new Installed(target, true, true);
        }
    }

    /** Whether dir holds the whole set; a set this process cannot read is not. */
    private static boolean intact(LibraryBundle bundle, Path dir) {
        try {
            return Files.isDirectory(dir) && problem(bundle, dir) == null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The cache's lock, held by this process once it returns. Another process holds it only while it extracts a
     * set (about a second): after {@link #LOCK_NOTICE} this says what it waits for; after the limit
     * ({@value #LOCK_TIMEOUT_PROPERTY}, seconds, default 60) it gives up with an UnsatisfiedLinkError naming the
     * lock, its holder and the ways out.
     */
    private static FileLock acquire(FileChannel channel, Path lockFile) throws IOException {
        Duration limit = lockTimeout();
        long start = System.nanoTime();
        boolean said = false;
        while (true) {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return lock;
            }
            long waited = System.nanoTime() - start;
            if (waited >= limit.toNanos()) {
                throw new UnsatisfiedLinkError("the library cache's lock " + lockFile + " was held by "
                        + holder(lockFile) + " for " + limit.toSeconds() + " s, and the cached set needs extracting"
                        + " under it: nothing was loaded. Wait for that process or end it, or set jpeglm.cache.dir"
                        + " (JPEGLM_CACHE_DIR) to another cache (" + LOCK_TIMEOUT_PROPERTY + " sets the wait)");
            }
            if (!said && waited >= LOCK_NOTICE.toNanos()) {
                LOG.log(
                        Level.WARNING,
                        "waiting for the library cache's lock " + lockFile + ", held by " + holder(lockFile)
                                + " (another JVM extracting the library set?); giving up after "
                                + limit.toSeconds() + " s");
                said = true;
            }
            try {
                Thread.sleep(LOCK_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnsatisfiedLinkError("interrupted while waiting for the library cache's lock " + lockFile);
            }
        }
    }

    private static Duration lockTimeout() {
        String value = System.getProperty(LOCK_TIMEOUT_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_LOCK_TIMEOUT;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds >= 0 && seconds <= 86_400) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UnsatisfiedLinkError(
                LOCK_TIMEOUT_PROPERTY + " must be whole seconds, 0 to 86400, not '" + value + "'");
    }

    /** Who holds the lock on file, from /proc/locks (Linux): "process PID (command)", or "another process". */
    static String holder(Path file) {
        try {
            String inode = ":" + Files.getAttribute(file, "unix:ino") + " ";
            for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
                // 1: POSIX  ADVISORY  WRITE 1234 08:02:131331 0 EOF
                String[] f = line.strip().split("\\s+");
                if (f.length >= 6 && (f[5] + " ").endsWith(inode) && !f[4].equals("-1")) {
                    long pid = Long.parseLong(f[4]);
                    String command = ProcessHandle.of(pid)
                            .flatMap(h -> h.info().command())
                            .map(c -> " (" + Path.of(c).getFileName() + ")")
                            .orElse("");
                    return "process " + pid + command;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the lock went away: say less.
        }
        return "another process";
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
