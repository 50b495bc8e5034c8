package org.jpeglm.examples;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * examples/README.md gives the command of every example program, and each command names a program that exists and
 * files the repository has; examples/run, asked nothing, lists the same programs (without building anything).
 */
class ExamplesReadmeTest {
    static final Path ROOT =
            Path.of(System.getProperty("jpeglm.test.root")).toAbsolutePath().normalize();
    static final Path SOURCES = ROOT.resolve("examples/src/main/java/org/jpeglm/examples");

    /** The example programs: the classes with a main method. */
    static Set<String> programs() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : files.toList()) {
                if (Files.readString(f).contains("public static void main(String[] args)")) {
                    names.add(f.getFileName().toString().replace(".java", ""));
                }
            }
        }
        return names;
    }

    @Test
    void theReadmeRunsEveryProgram() throws IOException {
        List<List<String>> commands = Files.readString(ROOT.resolve("examples/README.md"))
                .lines()
                .filter(l -> l.startsWith("examples/run "))
                .map(l -> List.of(l.replaceFirst("\\s+#.*$", "").split("\\s+")))
                .toList();
        Set<String> named = new TreeSet<>();
        for (List<String> c : commands) {
            named.add(c.get(1));
            for (String arg : c.subList(2, c.size())) {
                assertTrue(!arg.contains("/") || Files.exists(ROOT.resolve(arg)), arg + " is not in the repository");
            }
        }
        assertEquals(programs(), named, "examples/README.md runs each program");
        assertTrue(programs().contains("LivePreview"), programs().toString());
    }

    @Test
    void theRunScriptListsThePrograms() throws Exception {
        Process p = new ProcessBuilder(ROOT.resolve("examples/run").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(2, p.exitValue(), out);
        assertEquals(
                "usage: examples/run NAME [ARGS...]; NAME is one of: " + String.join(" ", programs()), out.strip());
    }
}
