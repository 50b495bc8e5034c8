package org.jpeglm.bindings;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * A child JVM of {@link LibraryCacheTest}: installs the set of a jar (args[0]) into a cache root (args[1]), checks
 * every file and prints "ok DIR" or, when it fell back to a private directory, "private DIR". It needs nothing but
 * this module's classes (a child run as another user reads no Maven repository).
 */
public final class CacheInstallMain {
    private CacheInstallMain() {}

    public static void main(String[] args) throws Exception {
        LibraryBundle bundle = find(Path.of(args[0]));
        LibraryCache.Installed installed = LibraryCache.install(bundle, Path.of(args[1]));
        String problem = LibraryCache.problem(bundle, installed.directory());
        if (problem != null || !installed.extracted() && !installed.cached()) {
            throw new AssertionError(installed + ": " + problem);
        }
        System.out.println((installed.cached() ? "ok " : "private ") + installed.directory());
    }

    /** The set the jars hold (the first one found in classifier order). */
    static LibraryBundle find(Path... jars) throws IOException {
        URL[] urls = new URL[jars.length];
        for (int i = 0; i < jars.length; i++) {
            urls[i] = jars[i].toUri().toURL();
        }
        // The loader stays open: the bundle reads its files through it later.
        URLClassLoader loader = new URLClassLoader(urls, null);
        return LibraryBundle.find(loader, "linux-x86_64").orElseThrow(() -> new AssertionError("no set found"));
    }
}
