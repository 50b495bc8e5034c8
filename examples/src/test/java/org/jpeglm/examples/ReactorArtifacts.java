package org.jpeglm.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The jpeglm jars this build made, as they are on the test class path (packaged by the reactor, or installed), each
 * known by the pom.properties Maven put in it: what the standalone example needs, without the network.
 *
 * @param artifactId its artifact id
 * @param version    its version
 * @param classifier its classifier, "" for none
 * @param jar        the jar file
 */
record ReactorArtifacts(String artifactId, String version, String classifier, Path jar) {
    static final String GROUP = "org.jpeglm";

    /** The org.jpeglm jars on the class path. */
    static List<ReactorArtifacts> onClassPath() {
        List<ReactorArtifacts> found = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)) {
                read(p).ifPresent(found::add);
            }
        }
        return found;
    }

    /** The one jar of artifactId with classifier; a missing one fails, saying the reactor must package it. */
    static ReactorArtifacts find(String artifactId, String classifier) {
        return onClassPath().stream()
                .filter(a -> a.artifactId.equals(artifactId) && a.classifier.equals(classifier))
                .findFirst()
                .orElseThrow(() ->
                        new AssertionError(GROUP + ":" + artifactId + (classifier.isEmpty() ? "" : ":" + classifier)
                                + " is not on the class path as a jar: run the package phase (mvn verify, not mvn test), with"
                                + " the classifier jar enabled (docs/runtime.md)"));
    }

    private static Optional<ReactorArtifacts> read(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry entry = file.stream()
                    .filter(e -> e.getName().startsWith("META-INF/maven/" + GROUP + "/")
                            && e.getName().endsWith("/pom.properties"))
                    .findFirst()
                    .orElse(null);
            if (entry == null) {
                return Optional.empty();
            }
            Properties props = new Properties();
            try (InputStream in = file.getInputStream(entry)) {
                props.load(in);
            }
            String artifactId = props.getProperty("artifactId");
            String version = props.getProperty("version");
            String name = jar.getFileName().toString();
            String stem = artifactId + "-" + version;
            String classifier = name.startsWith(stem + "-") ? name.substring(stem.length() + 1, name.length() - 4) : "";
            return Optional.of(new ReactorArtifacts(artifactId, version, classifier, jar));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    /** The pom Maven packed into the jar. */
    byte[] pom() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry entry = file.getJarEntry("META-INF/maven/" + GROUP + "/" + artifactId + "/pom.xml");
            assertNotNull(entry, jar + " holds no pom.xml");
            try (InputStream in = file.getInputStream(entry)) {
                return in.readAllBytes();
            }
        }
    }

    /** Puts this jar and its pom into a local Maven repository, where Maven itself would install them. */
    void installInto(Path repository) throws IOException {
        Path dir =
                Files.createDirectories(repository.resolve(GROUP.replace('.', '/') + "/" + artifactId + "/" + version));
        String stem = artifactId + "-" + version;
        Files.copy(
                jar,
                dir.resolve(stem + (classifier.isEmpty() ? "" : "-" + classifier) + ".jar"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.write(dir.resolve(stem + ".pom"), pom());
    }

    /** Installs the parent pom (the repository's root pom.xml) at version. */
    static void installParent(Path repository, Path rootPom, String version) throws IOException {
        Path dir = Files.createDirectories(repository.resolve(GROUP.replace('.', '/') + "/jpeglm-parent/" + version));
        Files.copy(rootPom, dir.resolve("jpeglm-parent-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    }
}
