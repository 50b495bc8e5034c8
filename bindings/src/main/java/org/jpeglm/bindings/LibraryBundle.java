package org.jpeglm.bindings;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A library set bundled on the class path: the resources under {@code org/jpeglm/native/<classifier>/} of one
 * jar (a {@code jpeglm-native} jar, or a classes folder), as its manifest lists them.
 *
 * @param manifest its manifest
 * @param base     the URL of its folder, ending in '/': files are read from beside the manifest, so from the
 *                 same jar even when several jars on the class path have the folder
 */
record LibraryBundle(LibraryManifest manifest, String base) {
    static final String ROOT = "org/jpeglm/native/";
    static final String LIST = "jpeglm-libraries.txt";

    LibraryBundle {
        Objects.requireNonNull(manifest, "manifest");
        if (!base.endsWith("/")) {
            throw new IllegalArgumentException("base must end in '/': " + base);
        }
    }

    /** The classifiers tried for platform, best first: CUDA, Vulkan, then the CPU-only set. */
    static List<String> classifiers(String platform) {
        return List.of(platform + "-cuda", platform + "-vulkan", platform);
    }

    /** The first set on loader's class path in {@link #classifiers} order, if any. */
    static Optional<LibraryBundle> find(ClassLoader loader, String platform) {
        for (String classifier : classifiers(platform)) {
            String folder = ROOT + classifier + "/";
            URL list = loader.getResource(folder + LIST);
            if (list != null) {
                String text = new String(read(list), StandardCharsets.UTF_8);
                return Optional.of(
                        new LibraryBundle(LibraryManifest.parse(classifier, text, list.toString()), parent(list)));
            }
            URL library = loader.getResource(folder + LibraryManifest.MAIN);
            if (library != null) { // a source build's jar: libjpeglm alone, no list
                String sha256 = LibraryManifest.sha256(read(library));
                return Optional.of(new LibraryBundle(LibraryManifest.single(classifier, sha256), parent(library)));
            }
        }
        return Optional.empty();
    }

    /** Where the set comes from, for messages: its folder's URL. */
    String origin() {
        return base;
    }

    /** The bundled file's size in bytes, or -1 when its source does not say. */
    long size(String name) {
        try {
            URLConnection connection = url(name).openConnection();
            return connection.getContentLengthLong();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Opens a file of the set; one the manifest lists but the jar lacks is refused. */
    InputStream open(String name) throws IOException {
        try {
            return url(name).openStream();
        } catch (FileNotFoundException | NoSuchFileException e) {
            throw new UnsatisfiedLinkError(base + LIST + " lists " + name + ", which " + base + " lacks");
        }
    }

    /** Copies a file of the set to out and checks its sha256 against the manifest's. */
    void copy(LibraryManifest.Entry entry, Path out) throws IOException {
        MessageDigest digest = LibraryManifest.digest();
        try (InputStream in = new DigestInputStream(open(entry.name()), digest)) {
            Files.copy(in, out);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(entry.sha256())) {
            throw new UnsatisfiedLinkError(base + entry.name() + " has sha256 " + actual + ", not the " + entry.sha256()
                    + " that " + LIST + " says: the jar is inconsistent");
        }
    }

    private URL url(String name) throws IOException {
        return URI.create(base + name).toURL();
    }

    private static String parent(URL resource) {
        String s = resource.toString();
        return s.substring(0, s.lastIndexOf('/') + 1);
    }

    private static byte[] read(URL resource) {
        try (InputStream in = resource.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
