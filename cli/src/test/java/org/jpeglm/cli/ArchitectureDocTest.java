package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The docs draw the house the code builds: docs/architecture.md's module graph is the {@code requires} of the
 * {@code module-info.java} files, each module has its paragraph there, and README's layout table has one row for
 * every top-level folder.
 */
class ArchitectureDocTest {
    private static final Path ROOT = InstallationTest.REPOSITORY;
    private static final Pattern MODULE = Pattern.compile("\\bmodule\\s+([\\w.]+)\\s*\\{");
    private static final Pattern REQUIRES =
            Pattern.compile("\\brequires\\s+((?:transitive\\s+|static\\s+)*)([\\w.]+)\\s*;");
    private static final Pattern EXPORTS = Pattern.compile("\\bexports\\s+([\\w.]+)");
    /** An import's package: the name up to its first capitalised part (a class). */
    private static final Pattern IMPORT =
            Pattern.compile("(?m)^import\\s+(?:static\\s+)?((?:[a-z]\\w*\\.)*[a-z]\\w*)\\.[A-Z]");

    private static final Pattern NODE = Pattern.compile("^\\s*(\\w+)\\[\"([\\w/-]+)\"]\\s*$");
    private static final Pattern EDGE = Pattern.compile("^\\s*(\\w+)\\s+(-->|==>|-\\.->)\\s+(\\w+)\\s*$");
    private static final Pattern HEADER = Pattern.compile("^\\s*(graph|flowchart)\\s+(TD|TB|BT|LR|RL)\\s*$");
    /** Top-level folders that hold no source: build outputs. */
    private static final Set<String> OUTPUTS = Set.of("build", "target");

    @Test
    void theModuleGraphIsTheModuleInfos() throws IOException {
        assertEquals(codeEdges(), docEdges(), "docs/architecture.md's mermaid graph against the module-info files");
    }

    @Test
    void everyModuleRequiresWhatItImports() throws IOException {
        Map<String, String> exporterOf = new HashMap<>();
        Map<String, Set<String>> requires = new HashMap<>();
        Map<String, String> moduleOf = new HashMap<>();
        for (Path info : moduleInfos()) {
            String text = Files.readString(info).replaceAll("//[^\n]*", "");
            Matcher name = MODULE.matcher(text);
            assertTrue(name.find(), info + " declares no module");
            moduleOf.put(folderOf(info), name.group(1));
            Matcher exports = EXPORTS.matcher(text);
            while (exports.find()) {
                exporterOf.put(exports.group(1), name.group(1));
            }
            Set<String> required = new TreeSet<>();
            Matcher m = REQUIRES.matcher(text);
            while (m.find()) {
                required.add(m.group(2));
            }
            requires.put(name.group(1), required);
        }
        Set<String> missing = new TreeSet<>();
        for (var module : moduleOf.entrySet()) {
            try (Stream<Path> sources = Files.walk(ROOT.resolve(module.getKey()).resolve("src/main/java"))) {
                for (Path source :
                        sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher imp = IMPORT.matcher(Files.readString(source));
                    while (imp.find()) {
                        String exporter = exporterOf.get(imp.group(1));
                        if (exporter != null
                                && !exporter.equals(module.getValue())
                                && !requires.get(module.getValue()).contains(exporter)) {
                            missing.add(module.getKey() + " uses " + exporter + " (" + ROOT.relativize(source) + ")");
                        }
                    }
                }
            }
        }
        assertEquals(Set.of(), missing, "modules that use another without requiring it");
    }

    @Test
    void everyModuleHasItsParagraph() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
        for (String folder : modules().values()) {
            assertTrue(doc.contains("**" + folder + "/** —"), "docs/architecture.md has no paragraph for " + folder);
        }
    }

    @Test
    void readmesLayoutTableHasEveryTopLevelFolderOnce() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        Set<String> folders = new TreeSet<>(modules().values());
        try (Stream<Path> top = Files.list(ROOT)) {
            top.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> !name.startsWith(".") && !OUTPUTS.contains(name))
                    .forEach(folders::add);
        }
        for (String folder : folders) {
            int rows = readme.split("\n\\| `" + Pattern.quote(folder) + "/` \\|", -1).length - 1;
            boolean parts = readme.contains("\n| `" + folder + "/"); // e.g. codec/ by its codec/igpt/ row
            assertTrue(
                    rows == 1 || rows == 0 && parts, "README's layout table has " + rows + " rows for " + folder + "/");
        }
    }

    @Test
    void theCheckSeesAMissingEdge() throws IOException {
        Set<String> edges = new TreeSet<>(docEdges());
        assertFalse(edges.isEmpty());
        edges.remove(edges.iterator().next());
        assertFalse(edges.equals(codeEdges()), "one edge less must not pass");
    }

    /** A line the check reads neither as a node nor as an edge fails it instead of being skipped. */
    @Test
    void theCheckSeesALineItCannotRead() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
        assertEquals(codeEdges(), docEdges(doc), "the doc as it is passes");
        for (String bad : List.of("    cli -> jpeglm", "    cli --> jpeglm & io", "    cli[cli]")) {
            String broken = doc.replaceFirst("\n(    \\w+ (==>|-->) )", "\n" + Matcher.quoteReplacement(bad) + "\n$1");
            assertTrue(broken.contains("\n" + bad + "\n"), "the line went into the graph");
            AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> docEdges(broken), bad);
            assertTrue(e.getMessage().contains(bad.strip()), e.getMessage());
        }
    }

    /** Module name → folder, for every module-info.java of a main source set. */
    private static Map<String, String> modules() throws IOException {
        Map<String, String> modules = new TreeMap<>();
        for (Path info : moduleInfos()) {
            Matcher m = MODULE.matcher(Files.readString(info));
            assertTrue(m.find(), info + " declares no module");
            modules.put(m.group(1), folderOf(info));
        }
        return modules;
    }

    /** "from ==> to" (transitive), "from --> to" or "from -.-> to" (static), by folder. */
    private static Set<String> codeEdges() throws IOException {
        Map<String, String> modules = modules();
        Set<String> edges = new TreeSet<>();
        for (Path info : moduleInfos()) {
            String text = Files.readString(info).replaceAll("//[^\n]*", "");
            Matcher m = REQUIRES.matcher(text);
            while (m.find()) {
                String to = modules.get(m.group(2));
                if (to != null) {
                    String arrow = m.group(1).contains("transitive")
                            ? "==>"
                            : m.group(1).contains("static") ? "-.->" : "-->";
                    edges.add(folderOf(info) + " " + arrow + " " + to);
                }
            }
        }
        return edges;
    }

    private static Set<String> docEdges() throws IOException {
        return docEdges(Files.readString(ROOT.resolve("docs/architecture.md")));
    }

    /**
     * The edges of doc's mermaid graph, by folder. Every line of the graph is its header, blank, a {@code %%}
     * comment, a node or an edge: any other (a mistyped arrow, mermaid's {@code a --> b & c}) fails, named, rather
     * than dropping out of the comparison.
     */
    private static Set<String> docEdges(String doc) throws IOException {
        String fence = "```mermaid\n";
        int start = doc.indexOf(fence);
        assertTrue(start >= 0, "docs/architecture.md has no mermaid block");
        List<String> lines = doc.substring(start + fence.length(), doc.indexOf("\n```", start + 1))
                .lines()
                .toList();
        List<String> unread = lines.stream()
                .filter(line -> !line.isBlank() && !line.strip().startsWith("%%"))
                .filter(line -> !HEADER.matcher(line).matches())
                .filter(line ->
                        !NODE.matcher(line).matches() && !EDGE.matcher(line).matches())
                .toList();
        assertEquals(List.of(), unread, "lines of the mermaid graph that are neither a node nor an edge");
        Map<String, String> folderOf = new HashMap<>();
        for (String line : lines) {
            Matcher node = NODE.matcher(line);
            if (node.matches()) {
                folderOf.put(node.group(1), node.group(2));
            }
        }
        assertEquals(new TreeSet<>(modules().values()), new TreeSet<>(folderOf.values()), "the graph's nodes");
        Set<String> edges = new TreeSet<>();
        for (String line : lines) {
            Matcher edge = EDGE.matcher(line);
            if (edge.matches()) {
                assertTrue(folderOf.containsKey(edge.group(1)) && folderOf.containsKey(edge.group(3)), line);
                edges.add(folderOf.get(edge.group(1)) + " " + edge.group(2) + " " + folderOf.get(edge.group(3)));
            }
        }
        return edges;
    }

    private static List<Path> moduleInfos() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            return files.filter(p -> p.endsWith(Path.of("src/main/java/module-info.java")))
                    .filter(p -> !ROOT.relativize(p).startsWith("build"))
                    .filter(p -> ROOT.relativize(p).toString().split("/target/").length == 1)
                    .sorted()
                    .toList();
        }
    }

    private static String folderOf(Path moduleInfo) {
        return ROOT.relativize(moduleInfo).toString().replace("/src/main/java/module-info.java", "");
    }
}
