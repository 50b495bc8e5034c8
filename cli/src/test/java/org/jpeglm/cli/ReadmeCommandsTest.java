package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * README's {@code bin/jpeglm} commands run as written, one after another from the repository's root: each parses
 * (its command and options exist, its values are valid), reads only files the repository has or an earlier
 * command wrote, and writes (its {@code -o}, or the default) where no earlier command did unless it says
 * {@code --force}. A name in capitals (CHECKPOINT_DIR) is the reader's to fill in.
 */
class ReadmeCommandsTest {
    static final Path ROOT = InstallationTest.REPOSITORY;

    /** Options whose values are files a command reads. */
    static final Set<String> INPUTS = Set.of("-m", "-i", "--tables", "--tokenizer", "--profile-file");

    record Command(int line, String text, List<String> args) {}

    /** The bin/jpeglm lines of README's shell blocks, in order: their arguments, environment and comment removed. */
    static List<Command> commands(String readme) {
        List<Command> commands = new ArrayList<>();
        boolean fenced = false;
        boolean shell = false;
        List<String> lines = readme.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith("```")) {
                shell = !fenced
                        && List.of("```", "```sh", "```bash", "```shell").contains(line);
                fenced = !fenced;
                continue;
            }
            String code = line.replaceFirst("\\s+#.*$", "");
            List<String> words = new ArrayList<>(List.of(code.split("\\s+")));
            while (!words.isEmpty() && words.getFirst().matches("[A-Z_]+=\\S*")) {
                words.removeFirst(); // JPEGLM_RUNTIME=source
            }
            if (shell && !words.isEmpty() && words.getFirst().equals("bin/jpeglm")) {
                commands.add(new Command(i + 1, line, List.copyOf(words.subList(1, words.size()))));
            }
        }
        return commands;
    }

    @Test
    void everyReadmeCommandRunsInSequenceAsWritten() throws IOException {
        List<Command> commands = commands(Files.readString(ROOT.resolve("README.md")));
        assertTrue(commands.size() >= 10, "README's commands: " + commands);
        List<Path> written = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Command c : commands) {
            ParseResult parsed;
            try {
                parsed = JpeglmCli.commandLine().parseArgs(c.args().toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                problems.add("README.md:" + c.line() + " does not parse (" + e.getMessage() + "): " + c.text());
                continue;
            }
            ParseResult command = parsed.subcommand();
            if (command == null) {
                continue;
            }
            for (String input : inputs(command)) {
                Path p = Path.of(input).normalize();
                boolean made = written.stream().anyMatch(p::startsWith);
                if (!input.matches("[A-Z_]+") && !made && !Files.exists(ROOT.resolve(p))) {
                    problems.add("README.md:" + c.line() + " reads " + input
                            + ", which neither the repository nor an earlier command has: " + c.text());
                }
            }
            Path out = output(command);
            if (out != null) {
                if (!command.hasMatchedOption("--force") && overlaps(out, written)) {
                    problems.add("README.md:" + c.line() + " writes " + out + ", where an earlier command wrote: "
                            + c.text());
                }
                written.add(out);
            }
        }
        assertEquals(List.of(), problems);
    }

    /**
     * The folders README's commands write (a run's -o DIR, or its default) are ignored by git, so that trying README
     * in the clone leaves {@code git status} clean; each by its exact root-level name, nothing broader.
     */
    @Test
    void readmesOutputFoldersAreIgnoredByGit() throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        int folders = 0;
        for (Command c : commands(Files.readString(ROOT.resolve("README.md")))) {
            ParseResult command = JpeglmCli.commandLine()
                    .parseArgs(c.args().toArray(String[]::new))
                    .subcommand();
            Path out = command == null ? null : output(command);
            if (out == null
                    || !command.commandSpec().findOption("-o").paramLabel().equals("DIR")) {
                continue;
            }
            folders++;
            Process git = new ProcessBuilder("git", "check-ignore", "-q", "--no-index", out + "/")
                    .directory(ROOT.toFile())
                    .redirectErrorStream(true)
                    .start();
            String said = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = git.waitFor();
            assertTrue(exit == 0 || exit == 1, "git check-ignore failed: " + said);
            if (exit != 0) {
                problems.add("README.md:" + c.line() + " writes " + out + "/, which git does not ignore");
            }
        }
        assertTrue(folders >= 8, "README's output folders: " + folders);
        assertEquals(List.of(), problems);
    }

    /** Where a parsed command writes: its -o, or that option's default; null when it has none. */
    private static Path output(ParseResult command) {
        OptionSpec output = command.commandSpec().findOption("-o");
        return output == null
                ? null
                : Path.of(String.valueOf((Object) output.getValue())).normalize();
    }

    private static boolean overlaps(Path out, List<Path> others) {
        return others.stream().anyMatch(w -> out.startsWith(w) || w.startsWith(out));
    }

    /** A help footer's commands: comments dropped, lines ending in a backslash joined, {@code &&} chains split. */
    static List<String> examples(String[] footer) {
        List<String> examples = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String line : footer) {
            String code = line.replaceFirst("\\s*#.*$", "").strip();
            command.append(' ').append(code.replaceFirst("\\\\$", ""));
            if (!code.endsWith("\\")) {
                for (String part : command.toString().split("&&")) {
                    if (!part.isBlank()) {
                        examples.add(part.strip());
                    }
                }
                command.setLength(0);
            }
        }
        return examples;
    }

    /**
     * Every command's --help examples parse, and each writes (its -o, or the default) where neither README's first
     * command nor another example does, unless it says --force (it replaces that run): a reader who tries them after
     * README's first command, in any order, is not refused for an output that already exists.
     */
    @Test
    void everyHelpExampleParsesAndWritesWhereNoOtherDoes() throws IOException {
        ParseResult first = JpeglmCli.commandLine()
                .parseArgs(commands(Files.readString(ROOT.resolve("README.md")))
                        .getFirst()
                        .args()
                        .toArray(String[]::new))
                .subcommand();
        List<String> problems = new ArrayList<>();
        Map<String, Path> outputs = new LinkedHashMap<>(); // example -> where it writes, for those without --force
        int examples = 0;
        for (CommandLine sub : JpeglmCli.commandLine().getSubcommands().values()) {
            for (String example : examples(sub.getCommandSpec().usageMessage().footer())) {
                List<String> words = new ArrayList<>(List.of(example.split("\\s+")));
                while (words.getFirst().matches("[A-Z_]+=\\S*")) {
                    words.removeFirst(); // JPEGLM_BACKENDS=...
                }
                if (words.getFirst().equals("jpeglm")) {
                    examples++;
                    ParseResult command;
                    try {
                        command = JpeglmCli.commandLine()
                                .parseArgs(words.subList(1, words.size()).toArray(String[]::new))
                                .subcommand();
                    } catch (CommandLine.ParameterException e) {
                        problems.add("does not parse (" + e.getMessage() + "): " + example.strip());
                        continue;
                    }
                    Path out = output(command);
                    if (out != null && !command.hasMatchedOption("--force")) {
                        if (overlaps(out, List.of(output(first)))) {
                            problems.add("writes " + out + " as README's first command does: " + example.strip());
                        }
                        outputs.forEach((other, o) -> {
                            if (overlaps(out, List.of(o))) {
                                problems.add("writes " + out + " as '" + other + "' does: " + example.strip());
                            }
                        });
                        outputs.put(example.strip(), out);
                    }
                }
            }
        }
        assertTrue(examples >= 20, "examples found: " + examples);
        assertEquals(List.of(), problems);
    }

    /** The files a parsed command reads: its positional parameters and its file options' values. */
    private static List<String> inputs(ParseResult command) {
        List<String> inputs = new ArrayList<>();
        command.matchedPositionals().forEach(p -> inputs.addAll(p.originalStringValues()));
        for (OptionSpec o : command.matchedOptions()) {
            if (List.of(o.names()).stream().anyMatch(INPUTS::contains)) {
                inputs.addAll(o.originalStringValues());
            }
        }
        return inputs;
    }

    @Test
    void theReaderFindsCollisionsAndMissingFiles() {
        String readme = """
                ```
                bin/jpeglm generate -n 4 -o a      # first
                JPEGLM_RUNTIME=source bin/jpeglm generate -n 4 -o a --force
                ```
                ```java
                bin/jpeglm generate -o ignored
                ```
                bin/jpeglm generate -o outside-a-block
                ```sh
                bin/jpeglm info m.gguf
                ```
                """;
        List<Command> commands = commands(readme);
        assertEquals(3, commands.size(), commands.toString());
        assertEquals(List.of("info", "m.gguf"), commands.get(2).args());
        assertEquals(List.of("generate", "-n", "4", "-o", "a"), commands.get(0).args());
        assertEquals(
                List.of("generate", "-n", "4", "-o", "a", "--force"),
                commands.get(1).args());
    }
}
