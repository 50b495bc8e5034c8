package org.jpeglm.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds and loads libjpeglm, first match wins:
 * <ol>
 *   <li>the system property {@code jpeglm.library.path} (a file),
 *   <li>the environment variable {@code JPEGLM_LIBRARY_PATH} (a file),
 *   <li>a library set bundled in a {@code jpeglm-native} jar on the class path: the first of the classifiers
 *       {@code <platform>-cuda}, {@code <platform>-vulkan}, {@code <platform>} (e.g. {@code linux-x86_64}) that is
 *       present, with the libraries it loads as its manifest lists them, extracted once into a per-version cache
 *       directory ({@link LibraryCache}), since the dynamic loader cannot open a jar entry,
 *   <li>{@code libjpeglm.so} in a directory of {@code java.library.path}.
 * </ol>
 * The library stays loaded for the life of the process. Which set was loaded, and from where, is logged at INFO
 * (System.Logger {@code org.jpeglm.bindings.NativeLibrary}). Before anything is loaded, libjpeglm and the libraries
 * beside it that it and ggml load are checked to be whole ELF files ({@link ElfCheck}): a damaged one is refused by
 * name with an UnsatisfiedLinkError instead of crashing the JVM.
 */
public final class NativeLibrary {
    private NativeLibrary() {}

    /** The class path resource of the bundled CPU-only library for this platform. */
    public static final String RESOURCE = LibraryBundle.ROOT + platform() + "/" + System.mapLibraryName("jpeglm");

    /** The CPU-only set's manifest, {@code <sha256>  <file name>} a line (absent: only {@link #RESOURCE}). */
    public static final String LIBRARIES = LibraryBundle.ROOT + platform() + "/" + LibraryBundle.LIST;

    private static volatile String source = "(not loaded)";

    /** Where the loaded library came from, for messages. */
    public static String source() {
        return source;
    }

    /** The bundled classifiers this platform would load, best first (the first one on the class path wins). */
    public static List<String> classifiers() {
        return LibraryBundle.classifiers(platform());
    }

    static SymbolLookup lookup() {
        List<String> tried = new ArrayList<>();
        Path path = locate(tried);
        if (path == null) {
            throw new UnsatisfiedLinkError("libjpeglm not found; tried " + String.join(", ", tried)
                    + ". Add org.jpeglm:jpeglm-native with the classifier " + platform()
                    + " (or -cuda, -vulkan) to the class path, build it (mvn -B verify builds native/)"
                    + " or set -Djpeglm.library.path=/path/to/libjpeglm.so");
        }
        source = path.toString();
        ElfCheck.requireIntact(path); // a truncated library would be mapped past its end: SIGBUS, not an error
        try {
            return SymbolLookup.libraryLookup(path, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new UnsatisfiedLinkError("cannot load " + path + ": " + e.getMessage());
        }
    }

    private static Path locate(List<String> tried) {
        for (String explicit :
                new String[] {System.getProperty("jpeglm.library.path"), System.getenv("JPEGLM_LIBRARY_PATH")}) {
            if (explicit != null && !explicit.isBlank()) {
                Path p = Path.of(explicit);
                if (Files.isRegularFile(p)) {
                    return p;
                }
                tried.add(p + " (missing)");
            }
        }
        Optional<LibraryBundle> bundle = LibraryBundle.find(NativeLibrary.class.getClassLoader(), platform());
        if (bundle.isPresent()) {
            return install(bundle.get());
        }
        tried.add("class path resources " + LibraryBundle.ROOT + "{" + String.join(",", classifiers()) + "}/");
        String libraryPath = System.getProperty("java.library.path", "");
        for (String dir : libraryPath.split(java.io.File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path p = Path.of(dir, System.mapLibraryName("jpeglm"));
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        tried.add("java.library.path");
        return null;
    }

    private static Path install(LibraryBundle bundle) {
        long start = System.nanoTime();
        LibraryCache.Installed installed = LibraryCache.install(bundle, LibraryCache.root());
        LibraryCache.LOG.log(
                System.Logger.Level.INFO,
                "libjpeglm: library set {0} ({1} files) from {2}, {3} {4} in {5,number,#} ms",
                bundle.manifest().classifier(),
                bundle.manifest().entries().size(),
                bundle.origin(),
                installed.extracted() ? "extracted into" : "verified in",
                installed.cached() ? "the cache " + installed.directory() : "the private " + installed.directory(),
                (System.nanoTime() - start) / 1_000_000);
        return installed.directory().resolve(LibraryManifest.MAIN);
    }

    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("linux") ? "linux" : os.contains("mac") ? "macos" : os.contains("win") ? "windows" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return o + "-" + a;
    }
}
