package org.jpeglm.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * Each published jar (the API modules on this class path, packaged by the reactor or installed) has a -sources and
 * a -javadoc jar beside it, so IDEs show the code and its documentation: the sources of its classes, and an HTML
 * page for each public one of its API.
 */
class PublishedJarsTest {
    /** On this class path, but not published: test fixtures; the native library sets carry no Java. */
    static final List<String> UNPUBLISHED = List.of("jpeglm-test-support", "jpeglm-native");

    @Test
    void everyPublishedJarHasSourcesAndJavadoc() throws IOException {
        List<ReactorArtifacts> published = ReactorArtifacts.onClassPath().stream()
                .filter(a -> a.classifier().isEmpty() && !UNPUBLISHED.contains(a.artifactId()))
                .toList();
        assertTrue(
                published.stream()
                        .map(ReactorArtifacts::artifactId)
                        .toList()
                        .containsAll(List.of("jpeglm", "jpeglm-codec-image", "jpeglm-jpeg")),
                published.toString());
        for (ReactorArtifacts a : published) {
            Path sources = sibling(a, "sources");
            Path javadoc = sibling(a, "javadoc");
            List<String> classes = entries(a.jar()).stream()
                    .filter(e -> e.endsWith(".class") && !e.contains("$") && !e.endsWith("module-info.class"))
                    .toList();
            List<String> sourceFiles = entries(sources);
            for (String c : classes) {
                assertTrue(sourceFiles.contains(c.replace(".class", ".java")), c + " has no source in " + sources);
            }
            List<String> pages = entries(javadoc);
            assertTrue(pages.contains("index.html"), javadoc + ": " + pages.size() + " entries");
        }
        Path api = sibling(ReactorArtifacts.find("jpeglm", ""), "javadoc");
        assertTrue(
                entries(api).stream().anyMatch(e -> e.endsWith("org/jpeglm/codec/Service.html")),
                "the API's pages: " + api);
        Path images = sibling(ReactorArtifacts.find("jpeglm-codec-image", ""), "javadoc");
        assertTrue(
                entries(images).stream().anyMatch(e -> e.endsWith("org/jpeglm/image/ImageModel.html")),
                "the JPEG codec's pages: " + images);
    }

    private static Path sibling(ReactorArtifacts a, String classifier) {
        Path jar = a.jar().resolveSibling(a.artifactId() + "-" + a.version() + "-" + classifier + ".jar");
        assertTrue(
                Files.isRegularFile(jar),
                a.artifactId() + " has no " + classifier + " jar beside " + a.jar()
                        + " (the package phase makes it: mvn verify)");
        return jar;
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.stream().map(e -> e.getName()).toList();
        }
    }
}
