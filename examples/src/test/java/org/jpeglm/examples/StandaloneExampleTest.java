package org.jpeglm.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/standalone, a Maven project of its own depending only on org.jpeglm:jpeglm-codec-image (the JPEG codec,
 * which brings jpeglm) and org.jpeglm:jpeglm-native:linux-x86_64, built with {@code mvn -o} and run: it generates
 * images from the bundled model with no CMake, no compiler but javac and no environment variable.
 *
 * <p>Its local repository is a new one holding the jars this build packaged (as {@code mvn install} would put them);
 * everything else (Maven's plugins, third-party dependencies) comes from this build's own local repository, used
 * as a file mirror, so no network is needed.
 */
class StandaloneExampleTest {
    @TempDir
    Path dir;

    static final int COUNT = 4;

    @Test
    void theStandaloneProjectBuildsAndGeneratesImagesFromTheInstalledArtifacts() throws Exception {
        Path root = Path.of(required("jpeglm.test.root")).toRealPath();
        Path repository = dir.resolve("repository");
        ReactorArtifacts jpeglm = ReactorArtifacts.find("jpeglm", "");
        ReactorArtifacts.installParent(repository, root.resolve("pom.xml"), jpeglm.version());
        for (ReactorArtifacts a : ReactorArtifacts.onClassPath()) {
            a.installInto(repository);
        }
        ReactorArtifacts.find("jpeglm-native", "linux-x86_64"); // fails clearly when the classifier jar is missing
        Path project = copyProject(root.resolve("examples/standalone"), dir.resolve("project"));
        Path settings = Files.writeString(dir.resolve("settings.xml"), """
                <settings>
                  <localRepository>%s</localRepository>
                  <mirrors><mirror><id>this-build</id><mirrorOf>*</mirrorOf><url>%s</url></mirror></mirrors>
                </settings>
                """.formatted(
                        repository, Path.of(required("jpeglm.test.maven.repo")).toUri()));
        Path images = dir.resolve("images");
        Path cache = dir.resolve("xdg-cache");

        long start = System.nanoTime();
        String version = "-Djpeglm.version=" + jpeglm.version();
        String built = mvn(project, settings, cache, List.of(version, "compile"));
        long compiled = System.nanoTime();
        String out = mvn(
                project,
                settings,
                cache,
                List.of(
                        version,
                        "-Dmodel=" + root.resolve("models/fashion-mnist-32.gguf"),
                        "-Dout=" + images,
                        "-Dcount=" + COUNT,
                        "-Dthreads=1", // one thread: on a shared 2-core machine more of them mostly wait for each other
                        "exec:exec"));
        long ran = System.nanoTime();

        for (int i = 0; i < COUNT; i++) {
            Path image = images.resolve("image-" + i + ".jpg");
            assertTrue(Files.isRegularFile(image), image + " missing:\n" + out);
            assertNotNull(ImageIO.read(image.toFile()), image + " does not decode");
        }
        // The library came from the classifier jar, through the default cache location ($XDG_CACHE_HOME/jpeglm).
        assertTrue(out.contains("native library: " + cache.resolve("jpeglm/native/linux-x86_64-")), out);
        assertTrue(out.contains("library set linux-x86_64 (18 files)"), out);
        System.out.printf(
                "standalone example: mvn -o compile (empty local repository) %.1f s, mvn -o exec:exec (%d images) %.1f s%n",
                (compiled - start) / 1e9, COUNT, (ran - compiled) / 1e9);
        assertTrue(built.contains("BUILD SUCCESS"), built);
    }

    private static String mvn(Path project, Path settings, Path cache, List<String> args) throws Exception {
        Path mvn = Path.of(required("jpeglm.test.maven.home"), "bin", "mvn");
        List<String> command = new java.util.ArrayList<>(
                List.of(mvn.toString(), "-B", "-o", "-s", settings.toString(), "-Daether.offline.protocols=file"));
        command.addAll(args);
        ProcessBuilder pb =
                new ProcessBuilder(command).directory(project.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // The test's isolation, not something the example needs: a cache of its own under the default rule.
        pb.environment().put("XDG_CACHE_HOME", cache.toString());
        for (String name : List.of("JPEGLM_LIBRARY_PATH", "JPEGLM_CACHE_DIR", "JPEGLM_BACKENDS", "MAVEN_OPTS")) {
            pb.environment().remove(name);
        }
        Path log = project.resolve("build.log");
        Process p = pb.redirectOutput(log.toFile()).start();
        try {
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), "mvn took over 10 minutes");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    private static Path copyProject(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path rel = from.relativize(f);
                if (!rel.startsWith("target")) {
                    Files.createDirectories(to.resolve(rel).getParent());
                    Files.copy(f, to.resolve(rel));
                }
            }
        }
        return to;
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        assertNotNull(value, property + " is not set (examples/pom.xml passes it to the tests)");
        return value;
    }
}
