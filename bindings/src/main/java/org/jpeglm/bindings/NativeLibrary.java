package org.jpeglm.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Finds and loads libjpeglm, first match wins:
 * <ol>
 *   <li>the system property {@code jpeglm.library.path} (a file),
 *   <li>the environment variable {@code JPEGLM_LIBRARY_PATH} (a file),
 *   <li>the library bundled in the {@code jpeglm-native} jar on the class path, with the libraries it loads
 *       (the prebuilt runtime's llama.cpp and ggml backends, listed in {@link #LIBRARIES}), copied into one
 *       temporary directory, since the dynamic loader cannot open a jar entry,
 *   <li>{@code libjpeglm.so} in a directory of {@code java.library.path}.
 * </ol>
 * The library stays loaded for the life of the process.
 */
public final class NativeLibrary {
    private NativeLibrary() {}

    /** The class path resource of the bundled library for this platform. */
    public static final String RESOURCE = "org/jpeglm/native/" + platform() + "/" + System.mapLibraryName("jpeglm");

    /** The class path resource listing the bundled files, one name a line (absent: only {@link #RESOURCE}). */
    public static final String LIBRARIES = "org/jpeglm/native/" + platform() + "/jpeglm-libraries.txt";

    private static volatile String source = "(not loaded)";

    /** Where the loaded library came from, for messages. */
    public static String source() {
        return source;
    }

    static SymbolLookup lookup() {
        List<String> tried = new ArrayList<>();
        Path path = locate(tried);
        if (path == null) {
            throw new UnsatisfiedLinkError("libjpeglm not found; tried " + String.join(", ", tried)
                    + ". Build it (mvn -B verify builds native/) or set -Djpeglm.library.path=/path/to/libjpeglm.so");
        }
        source = path.toString();
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
        Path bundled = extractBundled();
        if (bundled != null) {
            return bundled;
        }
        tried.add("class path resource " + RESOURCE);
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

    private static Path extractBundled() {
        ClassLoader loader = NativeLibrary.class.getClassLoader();
        if (loader.getResource(RESOURCE) == null) {
            return null;
        }
        try {
            Path dir = Files.createTempDirectory("libjpeglm-");
            dir.toFile().deleteOnExit(); // registered first, deleted last; mappings survive deletion on Linux
            String folder = RESOURCE.substring(0, RESOURCE.lastIndexOf('/') + 1);
            for (String name : bundledNames(loader)) {
                Path file = dir.resolve(name);
                file.toFile().deleteOnExit();
                try (InputStream in = loader.getResourceAsStream(folder + name)) {
                    if (in == null) {
                        throw new UnsatisfiedLinkError(LIBRARIES + " lists " + name + ", which the jar lacks");
                    }
                    Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return dir.resolve(System.mapLibraryName("jpeglm"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + RESOURCE, e);
        }
    }

    /** The bundled file names: the list's lines, or only libjpeglm when there is no list. */
    private static List<String> bundledNames(ClassLoader loader) throws IOException {
        try (InputStream in = loader.getResourceAsStream(LIBRARIES)) {
            if (in == null) {
                return List.of(System.mapLibraryName("jpeglm"));
            }
            List<String> names = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(l -> !l.isEmpty())
                    .toList();
            for (String name : names) {
                if (name.contains("/") || name.startsWith(".")) {
                    throw new UnsatisfiedLinkError(LIBRARIES + " lists '" + name + "', not a plain file name");
                }
            }
            return names;
        }
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
