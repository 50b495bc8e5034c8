package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/find-jdk takes a JDK 25 or newer (the jars are Java 25 class files) and refuses older ones by name: an
 * older JAVA_HOME is named and passed over for a JDK 25 when there is one; with none it fails naming each it saw.
 * The JDKs are stand-ins: a bin/javac and a bin/java that prints the version line `java -version` prints.
 */
class FindJdkTest {
    static final Path SCRIPT = InstallationTest.REPOSITORY.resolve("scripts/find-jdk");

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    /** A stand-in JDK of that feature version under dir/name. */
    Path jdk(String name, String version) throws IOException {
        Path home = dir.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        String java = "#!/bin/sh\necho 'openjdk version \"" + version + "\" 2025-09-16' >&2\n";
        for (String tool : new String[] {"java", "javac"}) {
            Path p = Files.writeString(home.resolve("bin").resolve(tool), java);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return home;
    }

    Run findJdk(Path javaHome, Path... searched) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString());
        pb.environment().remove("JAVA_HOME");
        if (javaHome != null) {
            pb.environment().put("JAVA_HOME", javaHome.toString());
        }
        StringBuilder dirs = new StringBuilder();
        for (Path p : searched) {
            dirs.append(dirs.isEmpty() ? "" : ":").append(p);
        }
        pb.environment().put("JPEGLM_JDK_DIRS", dirs.toString());
        Path err = dir.resolve("err.txt");
        Process p = pb.redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, Files.readString(err).strip());
    }

    @Test
    void aJavaHomeOf25OrNewerIsTakenAsItIs() throws Exception {
        Path jdk25 = jdk("jdk-25", "25");
        Run r = findJdk(jdk25, dir.resolve("none"));
        assertEquals(new Run(0, jdk25.toString(), ""), r);
        Path jdk26 = jdk("jdk-26", "26.0.1");
        assertEquals(new Run(0, jdk26.toString(), ""), findJdk(jdk26, dir.resolve("none")));
    }

    @Test
    void anOlderJavaHomeIsNamedAndPassedOverForTheNewestJdk25() throws Exception {
        Path old = jdk("old/jdk-22", "22.0.2");
        Path jvm = dir.resolve("jvm");
        jdk("jvm/jdk-17", "17.0.12");
        Path jdk25 = jdk("jvm/jdk-25", "25");
        Run r = findJdk(old, jvm);
        assertEquals(0, r.exit(), r.err());
        assertEquals(jdk25.toString(), r.out());
        assertEquals(
                "jpeglm: JAVA_HOME=" + old + " is Java 22; jpeglm needs Java 25: using " + jdk25 + " (Java 25)",
                r.err());
    }

    @Test
    void withoutAJdk25ItFailsNamingEveryJdkItSaw() throws Exception {
        Path old = jdk("old/jdk-22", "22.0.2");
        Path jvm = dir.resolve("jvm");
        Path jdk17 = jdk("jvm/jdk-17", "17.0.12");
        Run r = findJdk(old, jvm);
        assertEquals(1, r.exit(), r.out());
        assertEquals("", r.out());
        assertTrue(
                r.err()
                        .startsWith("jpeglm: JAVA_HOME=" + old + " is Java 22, " + jdk17 + " is Java 17; jpeglm "
                                + "needs Java 25 (install a JDK 25 or newer"),
                r.err());
        Run none = findJdk(null, dir.resolve("empty"));
        assertEquals(1, none.exit());
        assertTrue(none.err().startsWith("jpeglm: no JDK found; jpeglm needs Java 25"), none.err());
    }
}
