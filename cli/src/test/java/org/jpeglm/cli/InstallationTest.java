package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.imageio.ImageIO;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/jpeglm finds the bundled model of its own installation: from any working directory, through a link on PATH,
 * and never a {@code models/} file in a parent of the working directory (a decoy planted there is ignored).
 *
 * <p>The installation is a copy of bin/jpeglm and scripts/find-jdk beside the real bundled model, and a jar whose
 * manifest runs this build's classes (so the script finds its jar built and runs it as it is).
 */
class InstallationTest {
    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    static Path dir;

    static Path installation;

    @BeforeAll
    static void install() throws IOException {
        installation = installation(dir.resolve("jpeglm"), true);
        Files.createDirectories(dir.resolve("decoy/models"));
        TinyJpegLm.write(dir.resolve("decoy").resolve(ModelArgs.BUNDLED), 7); // 16x16: not the bundled 32x32
    }

    /** A jpeglm installation at home: bin/jpeglm, scripts/find-jdk, the bundled model if asked, a built jar. */
    static Path installation(Path home, boolean withModel) throws IOException {
        for (String file : List.of("bin/jpeglm", "scripts/find-jdk")) {
            Files.createDirectories(home.resolve(file).getParent());
            Files.copy(REPOSITORY.resolve(file), home.resolve(file), StandardCopyOption.COPY_ATTRIBUTES);
        }
        if (withModel) {
            Files.createDirectories(home.resolve("models"));
            Files.createSymbolicLink(home.resolve(ModelArgs.BUNDLED), REPOSITORY.resolve(ModelArgs.BUNDLED));
        }
        Path jar = home.resolve("cli/target/jpeglm.jar");
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, JpeglmCli.class.getName());
        List<String> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            classPath.add(Path.of(entry).toUri().toString());
        }
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classPath));
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream unused = new JarOutputStream(out, manifest)) {
            // only the manifest
        }
        // bin/jpeglm's record that this jar is built, so that it runs it instead of building one.
        Files.createDirectories(home.resolve("build"));
        Files.writeString(
                home.resolve("build/jpeglm-runtime"),
                "prebuilt " + Files.getLastModifiedTime(jar).toMillis() / 1000 + "\n");
        return home;
    }

    record Run(int exit, String output) {}

    /** Runs a bash command line in cwd with PATH starting at pathFirst, as a user's shell would. */
    static Run shell(Path cwd, Path pathFirst, String commandLine) throws Exception {
        Files.createDirectories(cwd);
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", commandLine)
                .directory(cwd.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("PATH", pathFirst + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JPEGLM_LIBRARY_PATH", System.getProperty("jpeglm.library.path"));
        for (String name : List.of("JPEGLM_MODEL", "JPEGLM_RUNTIME", "JPEGLM_REBUILD", "JAVA_TOOL_OPTIONS")) {
            env.remove(name);
        }
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), commandLine);
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** The bundled model's 32x32 images were written to cwd/out (the decoy makes 16x16 ones). */
    static void assertBundledImages(Path cwd, Run run) throws IOException {
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("fashion-mnist-32.gguf: llama"), run.output());
        assertEquals(
                32, ImageIO.read(cwd.resolve("out/image-0000.png").toFile()).getWidth(), run.output());
    }

    static final String GENERATE = "generate -n 1 -t 1 -o out";

    @Test
    void aJarCopiedOutOfItsTreeIsRefusedWithAReasonNotANullPointer() {
        assertEquals(Path.of("/opt/jpeglm"), ModelArgs.installationOf(Path.of("/opt/jpeglm/cli/target/jpeglm.jar")));
        assertEquals(Path.of("/opt/jpeglm"), ModelArgs.installationOf(Path.of("/opt/jpeglm/cli/target-x/classes")));
        for (String copied :
                List.of("/tmp/jpeglm.jar", "/jpeglm.jar", "/a/b.jar", "/home/u/jpeglm.jar", "/x/y/target/j.jar")) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class, () -> ModelArgs.installationOf(Path.of(copied)), copied);
            assertTrue(e.getMessage().contains(copied) && e.getMessage().contains("pass -m FILE"), e.getMessage());
        }
    }

    @Test
    void runsFromAnyWorkingDirectory() throws Exception {
        Path cwd = dir.resolve("elsewhere");
        assertBundledImages(cwd, shell(cwd, Path.of("/nonexistent"), installation + "/bin/jpeglm " + GENERATE));
    }

    @Test
    void runsThroughALinkOnPath() throws Exception {
        Path onPath = dir.resolve("path-bin");
        Files.createDirectories(onPath);
        Files.createSymbolicLink(onPath.resolve("jpeglm"), installation.resolve("bin/jpeglm"));
        Path cwd = dir.resolve("through-link");
        assertBundledImages(cwd, shell(cwd, onPath, "jpeglm " + GENERATE));
    }

    @Test
    void aModelInAParentOfTheWorkingDirectoryIsNeverUsed() throws Exception {
        Path cwd = dir.resolve("decoy/project/sub");
        assertBundledImages(cwd, shell(cwd, Path.of("/nonexistent"), installation + "/bin/jpeglm " + GENERATE));

        // An installation without its bundled model says so: the decoy is not taken instead.
        Path bare = installation(dir.resolve("bare"), false);
        Path cwd2 = dir.resolve("decoy/other");
        Run r = shell(cwd2, Path.of("/nonexistent"), bare + "/bin/jpeglm " + GENERATE);
        assertEquals(1, r.exit(), r.output());
        assertTrue(
                r.output()
                        .contains("error: no model given and this installation (" + bare + ") has no bundled "
                                + ModelArgs.BUNDLED + ": pass -m FILE or set JPEGLM_MODEL"),
                r.output());
        assertFalse(Files.exists(cwd2.resolve("out/image-0000.png")), r.output());
    }
}
