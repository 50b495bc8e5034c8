package org.jpeglm.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * SIGINT and SIGTERM (alternately) at random moments of generate, complete and convert, run as child processes: the
 * moment is uniform over the whole run, JVM start included, as an uninterrupted run of the same command timed it.
 * Each output must be untouched, complete, or (generate, complete) say "complete": false and list exactly its files;
 * no temporary file; the child ends with 0 (done before the signal), 1 with an error: line, or the signal's status.
 */
final class SignalPart {
    private static final Set<Integer> SIGNAL_EXITS = Set.of(130, 143);

    private SignalPart() {}

    /** How to start one command into an output path, and how to judge what it left there. */
    private interface Command {
        List<String> args(Path output) throws Exception;

        OutputCheck.State check(Path output, String what, PartResult r) throws IOException;
    }

    static PartResult run(Fixtures f, SoakConfig c, Random random) throws Exception {
        PartResult r =
                new PartResult("SIGINT/SIGTERM at random moments: " + c.signalsPerCommand() + " runs of each command");
        List<Path> inputs = f.inputs();
        Map<String, Command> commands = new java.util.LinkedHashMap<>();
        commands.put("generate -n " + c.childImages(), directory(out -> f.generate(c.childImages(), out)));
        commands.put(
                "complete 8 images × " + c.childImages() / 8,
                directory(out -> f.complete(inputs, Math.max(1, c.childImages() / 8), out)));
        Path ckpt = f.checkpoint();
        for (String type : List.of("f16", "q4_k_m")) {
            commands.put("convert --type " + type, conversion(f, ckpt, type));
        }
        r.line("| command | uninterrupted | runs | untouched | partial | complete | exit codes |");
        r.line("|---|---:|---:|---:|---:|---:|---|");
        for (Map.Entry<String, Command> e : commands.entrySet()) {
            interrupt(f, c, random, e.getKey(), e.getValue(), r);
        }
        return r;
    }

    private static void interrupt(Fixtures f, SoakConfig c, Random random, String name, Command command, PartResult r)
            throws Exception {
        Path base = Files.createDirectories(f.dir().resolve("signals"));
        Path timed = base.resolve("timed-" + Math.abs(name.hashCode()) + ext(name));
        Cli.Run full = f.cli().run(base, command.args(timed));
        r.check(full.exit() == 0, name + ": the uninterrupted run failed: " + full.lastErrLine());
        Map<OutputCheck.State, Integer> states = new EnumMap<>(OutputCheck.State.class);
        Map<Integer, Integer> exits = new TreeMap<>();
        for (int i = 0; i < c.signalsPerCommand(); i++) {
            String signal = i % 2 == 0 ? "INT" : "TERM";
            long delayMs = (long) (random.nextDouble() * full.seconds() * 1100);
            Path out = base.resolve("run-" + Math.abs(name.hashCode()) + "-" + i + ext(name));
            Cli.Child child = f.cli().start(base, command.args(out));
            Thread.sleep(delayMs);
            child.signal(signal);
            Cli.Run run = child.await();
            String what = name + " (SIG" + signal + " at " + delayMs + " ms)";
            exits.merge(run.exit(), 1, Integer::sum);
            r.check(!run.err().contains("\tat "), what + ": a stack trace on stderr: " + run.err());
            OutputCheck.State state = command.check(out, what, r);
            states.merge(state, 1, Integer::sum);
            r.check(
                    run.exit() == 0
                            || SIGNAL_EXITS.contains(run.exit())
                            || errorLine(run)
                            || stoppedStarting(run, state),
                    what + ": exit " + run.exit() + ", stderr: " + run.lastErrLine());
        }
        r.line(String.format(
                Locale.ROOT,
                "| %s | %.1f s | %d | %d | %d | %d | %s |",
                name,
                full.seconds(),
                c.signalsPerCommand(),
                states.getOrDefault(OutputCheck.State.UNTOUCHED, 0),
                states.getOrDefault(OutputCheck.State.PARTIAL, 0),
                states.getOrDefault(OutputCheck.State.COMPLETE, 0),
                exits));
    }

    /**
     * A signal during the JVM's own start, before jpeglm's code runs, ends it with 1 and no output (seen at 99 ms):
     * acceptable when nothing was written.
     */
    private static boolean stoppedStarting(Cli.Run run, OutputCheck.State state) {
        return run.exit() == 1 && run.err().isBlank() && state == OutputCheck.State.UNTOUCHED;
    }

    private static boolean errorLine(Cli.Run run) {
        return run.exit() == 1 && run.lastErrLine().startsWith("error: ");
    }

    private static String ext(String name) {
        return name.startsWith("convert") ? ".gguf" : "";
    }

    private static Command directory(Function<Path, List<String>> args) {
        return new Command() {
            @Override
            public List<String> args(Path output) {
                return args.apply(output);
            }

            @Override
            public OutputCheck.State check(Path output, String what, PartResult r) throws IOException {
                return OutputCheck.runDirectory(output, what, r);
            }
        };
    }

    /** convert into a fresh file; what it leaves is compared with the bytes of an uninterrupted conversion. */
    private static Command conversion(Fixtures f, Path ckpt, String type) throws Exception {
        byte[] bytes = Files.readAllBytes(f.reference(type));
        return new Command() {
            @Override
            public List<String> args(Path output) {
                return Fixtures.convert(ckpt, output, type);
            }

            @Override
            public OutputCheck.State check(Path output, String what, PartResult r) throws IOException {
                return OutputCheck.convertedFile(output, bytes, what, r);
            }
        };
    }
}
