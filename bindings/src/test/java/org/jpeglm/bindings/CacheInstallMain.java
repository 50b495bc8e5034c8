package org.jpeglm.bindings;

import java.nio.file.Path;

/**
 * A child JVM of {@link LibraryCacheTest}: installs the set of a jar (args[0]) into a cache root (args[1]), checks
 * every file and prints "ok DIR" or, when it fell back to a private directory, "private DIR".
 */
public final class CacheInstallMain {
    private CacheInstallMain() {}

    public static void main(String[] args) throws Exception {
        LibraryBundle bundle = LibraryCacheTest.find(Path.of(args[0]));
        LibraryCache.Installed installed = LibraryCache.install(bundle, Path.of(args[1]));
        String problem = LibraryCache.problem(bundle, installed.directory());
        if (problem != null || !installed.extracted() && !installed.cached()) {
            throw new AssertionError(installed + ": " + problem);
        }
        System.out.println((installed.cached() ? "ok " : "private ") + installed.directory());
    }
}
