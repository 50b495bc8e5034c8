package org.jpeglm.testing;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Numbered fuzz cases run in child JVMs ({@link ChildJvm}), many per child: the child prints
 * {@code case N start: description}, then {@code case N ok} or {@code case N error: message}; when a child dies,
 * the parent knows which case killed it, records it and goes on with a new child from the next case.
 *
 * <p>The child's main calls {@link #childMain}; its arguments are the seed, the first case and the end (exclusive),
 * then the test's own. Case N must be a function of (seed, N) alone, so that a crash can be reproduced from
 * those two numbers.
 */
public final class ChildJvmCases {
    private ChildJvmCases() {}

    /** One case in the child: what it is, and running it. */
    public interface Case {
        String description();

        void run() throws Exception;
    }

    /** A case that killed its child JVM. */
    public record Crash(int index, String description, String how, List<String> lastLines) {}

    /**
     * What a run found.
     *
     * @param finished   cases that ended with ok or an expected error
     * @param crashes    cases that killed their child
     * @param unexpected "case N unexpected: ..." lines: an exception of a type the child does not expect
     */
    public record Report(int finished, List<Crash> crashes, List<String> unexpected) {
        public Report {
            crashes = List.copyOf(crashes);
            unexpected = List.copyOf(unexpected);
        }

        public String summary() {
            StringBuilder b = new StringBuilder();
            b.append(finished)
                    .append(" cases finished, ")
                    .append(crashes.size())
                    .append(" crashed, ");
            b.append(unexpected.size()).append(" unexpected exceptions");
            for (Crash c : crashes) {
                b.append("\n  CRASH case ")
                        .append(c.index())
                        .append(" (")
                        .append(c.how())
                        .append("): ");
                b.append(c.description());
                for (String line : c.lastLines()) {
                    b.append("\n      | ").append(line);
                }
            }
            for (String u : unexpected) {
                b.append("\n  ").append(u);
            }
            return b.toString();
        }
    }

    /** In the child: runs cases [from, to) of args, printing the protocol lines on stdout. */
    public static void childMain(String[] args, IntFunction<Case> cases, Predicate<Throwable> expected) {
        int from = Integer.parseInt(args[1]);
        int to = Integer.parseInt(args[2]);
        PrintStream out = System.out;
        for (int i = from; i < to; i++) {
            Case c = cases.apply(i);
            out.println("case " + i + " start: " + c.description());
            out.flush();
            try {
                c.run();
                out.println("case " + i + " ok");
            } catch (Throwable t) {
                String kind = expected.test(t) ? "error" : "unexpected";
                out.println("case " + i + " " + kind + ": " + t.getClass().getSimpleName() + ": " + t.getMessage());
            }
            out.flush();
        }
    }

    private static final Pattern LINE = Pattern.compile("case (\\d+) (start|ok|error|unexpected)(?:: (.*))?");

    /**
     * In the parent: runs cases [0, count) of childMain with seed, in as many children as crashes need.
     *
     * @param perChild how long one child may run (all its cases)
     * @param extra    arguments after seed, from and to
     */
    public static Report run(Class<?> childMain, long seed, int count, Duration perChild, String... extra) {
        Objects.requireNonNull(childMain, "childMain");
        List<Crash> crashes = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        int finished = 0;
        int next = 0;
        while (next < count) {
            Batch batch = new Batch();
            List<String> args =
                    new ArrayList<>(List.of(Long.toString(seed), Integer.toString(next), Integer.toString(count)));
            args.addAll(List.of(extra));
            ChildJvm child = new ChildJvm(childMain.getName(), args, "256m", ChildJvm.DEFAULT_ADDRESS_SPACE, perChild);
            ChildJvm.Result result = child.run(batch::accept);
            finished += batch.finished;
            unexpected.addAll(batch.unexpected);
            if (result.ok() && batch.last == count - 1 && batch.open < 0) {
                break;
            }
            if (batch.open < 0) {
                // Died between cases (or before the first): nothing to blame; a child that cannot start is fatal.
                if (batch.last < next) {
                    throw new IllegalStateException("child JVM ended (" + result.describe() + ") before case " + next
                            + ":\n" + String.join("\n", result.output()));
                }
                next = batch.last + 1;
                continue;
            }
            crashes.add(new Crash(batch.open, batch.openDescription, result.describe(), batch.tail()));
            next = batch.open + 1;
        }
        return new Report(finished, crashes, unexpected);
    }

    /** The protocol lines of one child, as they come. */
    private static final class Batch {
        int open = -1; // the case started and not ended
        String openDescription;
        int last = -1; // the last case started
        int finished;
        final List<String> unexpected = new ArrayList<>();
        final List<String> recent = new ArrayList<>(); // output since the open case started

        void accept(String line) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                if (open >= 0 && recent.size() < 200) {
                    recent.add(line);
                }
                return;
            }
            int index = Integer.parseInt(m.group(1));
            switch (m.group(2)) {
                case "start" -> {
                    open = index;
                    last = index;
                    openDescription = m.group(3);
                    recent.clear();
                }
                case "unexpected" -> {
                    unexpected.add(line + " [" + openDescription + "]");
                    close();
                }
                default -> close();
            }
        }

        private void close() {
            open = -1;
            finished++;
        }

        List<String> tail() {
            return List.copyOf(recent.subList(Math.max(0, recent.size() - 20), recent.size()));
        }
    }
}
