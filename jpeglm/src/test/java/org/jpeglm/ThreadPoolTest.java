package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session's thread pools (native threads.cpp): made once per session at its first decode, not per decode; freed
 * when it closes; their threads live exactly as long (checked on the prebuilt runtime, whose CPU backend runs on
 * them; a build with OpenMP keeps its own); and a session with pools computes the tokens one without them
 * does ({@code JPEGLM_THREADPOOL=off}: ggml's threads made anew for each graph), as every thread count does.
 */
class ThreadPoolTest {
    static final int[] PROMPT = {3, 14, 15, 9, 26};
    static final int SEQUENCES = 4;
    static final int STEPS = 40;

    @TempDir
    static Path dir;

    static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(TinyModels.gqaUntied().path(), TinyModels.options());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Session session(ThreadOptions threads) {
        return model.newSession(
                TinyModels.exact(256).sequences(SEQUENCES).threads(threads).build());
    }

    /**
     * Feeds the prompt to every sequence (seed 7 + seq, temperature 1) and steps them all together, then (the second
     * half) all but sequence 1: a step of sequences not numbered one after the other is several llama.cpp
     * micro-batches.
     */
    static int[] run(Session s, int steps) {
        int[] all = {0, 1, 2, 3};
        int[] gap = {0, 2, 3};
        IntStream.Builder tokens = IntStream.builder();
        for (int q = 0; q < SEQUENCES; q++) {
            s.setSampling(
                    q, SamplingParams.builder().temperature(1f).seed(7 + q).build());
            s.sequence(q).feed(PROMPT);
        }
        for (int i = 0; i < steps; i++) {
            int[] seqs = i < steps / 2 ? all : gap;
            int[] out = new int[seqs.length];
            s.step(seqs, out);
            Arrays.stream(out).forEach(tokens::add);
        }
        return tokens.build().toArray();
    }

    static long[] pools() {
        return Jpeglm.threadPools();
    }

    @Test
    void aSessionMakesItsPoolOnceAndFreesItWhenClosed() {
        long[] before = pools();
        try (Session s = session(ThreadOptions.of(2))) {
            assertArrayEquals(before, pools(), "no pool before the first decode");
            s.sequence(0).feed(PROMPT);
            long[] first = pools();
            assertEquals(before[0] + 1, first[0], "one pool while the session lives");
            assertEquals(before[1] + 1, first[1], "one pool made");
            run(s, STEPS);
            assertArrayEquals(first, pools(), "no pool made per decode");
            assertEquals(2, s.threads().threads());
            assertTrue(s.threads().reason().contains("asked for"), s.threads().reason());
        }
        assertEquals(before[0], pools()[0], "freed with the session");
    }

    @Test
    void differentCountsForBatchesGetTheirOwnPool() {
        long[] before = pools();
        try (Session s = session(new ThreadOptions(1, 2, 0, null))) {
            run(s, STEPS); // prompts (batches) and steps of 4 sequences (batches) and single tokens
            s.sequence(0).step();
            assertEquals(before[1] + 2, pools()[1], "a pool of 1 and one of 2 threads");
            assertEquals(1, s.threads().threads());
            assertEquals(2, s.threads().threadsBatch());
            assertTrue(s.threads().reason().contains("poll 0")
                    || s.threads().reason().contains("OpenMP"));
        }
        assertEquals(before[0], pools()[0]);
    }

    @Test
    void changingThePollingReplacesThePool() {
        long[] before = pools();
        try (Session s = session(ThreadOptions.of(2))) {
            run(s, 4);
            assertEquals(before[1] + 1, pools()[1]);
            s.applyNative(2, 2, 7, null);
            clearAll(s);
            run(s, 4);
            assertEquals(before[1] + 2, pools()[1], "a pool with the new polling");
            assertEquals(before[0] + 1, pools()[0], "the old one freed");
            assertTrue(s.threads().reason().contains("poll 7")
                    || s.threads().reason().contains("OpenMP"));
        }
        assertEquals(before[0], pools()[0]);
    }

    @Test
    void everyThreadCountGivesTheSameTokens() {
        int[] one;
        try (Session s = session(ThreadOptions.of(1))) {
            one = run(s, STEPS);
        }
        for (ThreadOptions t : List.of(ThreadOptions.of(2), ThreadOptions.of(3), ThreadOptions.AUTOMATIC)) {
            try (Session s = session(t)) {
                assertArrayEquals(one, run(s, STEPS), t.toString());
            }
        }
    }

    @Test
    void badThreadSettingsAreRefusedByTheNativeLibrary() {
        try (Session s = session(ThreadOptions.AUTOMATIC)) {
            // INVALID_ARGUMENT, which the Java API turns into IllegalArgumentException, with the native message.
            var e = assertThrows(IllegalArgumentException.class, () -> s.applyNative(-1, 1, -1, null));
            assertTrue(e.getMessage().contains("thread counts must be 0 (automatic) to 512"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.applyNative(513, 1, -1, null));
            assertThrows(IllegalArgumentException.class, () -> s.applyNative(1, 1, 101, null));
            assertThrows(IllegalArgumentException.class, () -> s.applyNative(1, 1, -1, "0x0"));
            assertThrows(IllegalArgumentException.class, () -> s.applyNative(1, 1, -1, "12g"));
            assertThrows(IllegalArgumentException.class, () -> s.applyNative(1, 1, -1, "1".repeat(129)));
            // A CPU this process may not use: the mask names only CPU 511.
            var outside =
                    assertThrows(IllegalArgumentException.class, () -> s.applyNative(1, 1, -1, "8" + "0".repeat(127)));
            assertTrue(outside.getMessage().contains("no CPU this process may use"), outside.getMessage());
            s.applyNative(0, 0, 0, firstAllowedCpuMask());
            s.sequence(0).feed(PROMPT);
            assertTrue(s.threads().reason().contains("cpu mask"), s.threads().reason());
        }
    }

    /**
     * ggml moves the thread that calls a decode onto the pool's CPU mask and never back: the Java thread that once
     * decoded with -C 0x1 then ran everything after on one CPU, and the pools it made later inherited that (a later
     * test's two training threads shared one CPU, 300x slower). The session puts the caller's CPUs back after each
     * decode.
     */
    @Test
    void aDecodeWithACpuMaskLeavesTheCallingThreadsCpusAsTheyWere() {
        String before = threadCpus();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                before.contains("-") || before.contains(","), "a mask of one CPU narrows nothing for " + before);
        long[] pools = pools();
        // Two threads, so that ggml starts the pool (and moves the caller); on one CPU they are slow: two steps (the
        // second on the pool already started).
        try (Session s = session(new ThreadOptions(2, 2, 0, firstAllowedCpuMask()))) {
            run(s, 2);
            assertEquals(before, threadCpus(), "after decodes with a mask");
            assertTrue(pools()[1] > pools[1], "a pool was made");
        }
        assertEquals(before, threadCpus(), "after the session closed");
    }

    /** This thread's Cpus_allowed_list. */
    private static String threadCpus() {
        try {
            return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:"))
                    .findFirst()
                    .orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A mask naming the first CPU of this process's affinity mask (Cpus_allowed_list: "0-1", "2,5-7"). */
    static String firstAllowedCpuMask() {
        try {
            String list = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:"))
                    .findFirst()
                    .orElseThrow()
                    .substring("Cpus_allowed_list:".length())
                    .strip();
            int cpu = Integer.parseInt(list.split("[-,]")[0]);
            return "0x" + java.math.BigInteger.ONE.shiftLeft(cpu).toString(16);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- the prebuilt runtime, in child JVMs ----------------------------------------------------------------

    /** The OS threads a pool of 3 adds live from the first decode to the close, the same ones all along. */
    @Test
    void poolThreadsLiveExactlyAsLongAsTheSession() throws Exception {
        PrebuiltRuntimes.Exit exit = PrebuiltRuntimes.child(
                PrebuiltRuntimes.library("linux-x64"), Map.of(), ThreadsChild.class, List.of("threads"), dir);
        assertEquals(0, exit.code(), exit.log());
        Map<String, String> seen = lines(exit.log());
        Set<String> created = set(seen.get("created"));
        Set<String> first = set(seen.get("first"));
        Set<String> added = new TreeSet<>(first);
        added.removeAll(created);
        assertTrue(first.containsAll(created), exit.log());
        assertEquals(
                2, added.size(), "a pool of 3 is the caller and 2 threads, made at the first decode:\n" + exit.log());
        assertEquals(first, set(seen.get("steps")), "the same threads after " + STEPS + " steps:\n" + exit.log());
        assertEquals(created, set(seen.get("closed")), "gone after close:\n" + exit.log());
    }

    private static Set<String> set(String list) {
        assertNotNull(list, "a stage is missing from the child's output");
        return list.equals("[]") ? Set.of() : new TreeSet<>(List.of(list.split(",")));
    }

    @Test
    void withAndWithoutPoolsTheTokensAreTheSame() throws Exception {
        Path library = PrebuiltRuntimes.library("linux-x64");
        String with = tokens(PrebuiltRuntimes.child(library, Map.of(), ThreadsChild.class, List.of("tokens"), dir));
        String without = tokens(PrebuiltRuntimes.child(
                library, Map.of("JPEGLM_THREADPOOL", "off"), ThreadsChild.class, List.of("tokens"), dir));
        assertEquals(with, without);
    }

    /**
     * A tried count's decode that runs past its time limit is stopped and run again at the usual count: forced here
     * for every try of a step (JPEGLM_THREADS_TEST=stop-tries), on both runtimes: the tokens are those of a run
     * without tries, and llama.cpp's warning about the positions it removes is not shown.
     */
    @Test
    void triesStoppedAtTheirTimeLimitLeaveTheSameTokens() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Jpeglm.cpuBudget().cpus() >= 2, "the automatic count tries other counts only with 2 CPUs or more");
        Map<String, String> stop = Map.of("JPEGLM_THREADS_TEST", "stop-tries");
        Path underTest = Path.of(System.getProperty("jpeglm.library.path"));
        for (Path library : List.of(underTest, PrebuiltRuntimes.library("linux-x64"))) {
            String expected =
                    tokens(PrebuiltRuntimes.child(library, Map.of(), ThreadsChild.class, List.of("tokens"), dir));
            PrebuiltRuntimes.Exit exit =
                    PrebuiltRuntimes.child(library, stop, ThreadsChild.class, List.of("auto"), dir);
            assertEquals(expected, tokens(exit), library.toString());
            String reason = lines(exit.log()).get("reason");
            assertTrue(
                    reason.matches(".*for batches .* in [1-9][0-9]* tries, [1-9][0-9]* of them stopped early.*"),
                    reason);
            assertFalse(exit.log().contains("removing memory module entries"), exit.log());
        }
    }

    /**
     * On a machine whose other work fills the CPUs (JPEGLM_THREADS_TEST=busy-machine: 1000 other tasks runnable, no
     * CPU free) the automatic count starts at 1 and never tries more, on both runtimes: such a try is what collapses (each added
     * thread waits for descheduled peers), and the tuner would otherwise try within the first 0.05 s of decoding.
     */
    @Test
    void aFullMachineGetsNoTriesOfMoreThreads() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Jpeglm.cpuBudget().cpus() >= 2, "the automatic count tries other counts only with 2 CPUs or more");
        Map<String, String> busy = Map.of("JPEGLM_THREADS_TEST", "busy-machine");
        Path underTest = Path.of(System.getProperty("jpeglm.library.path"));
        for (Path library : List.of(underTest, PrebuiltRuntimes.library("linux-x64"))) {
            PrebuiltRuntimes.Exit exit =
                    PrebuiltRuntimes.child(library, busy, ThreadsChild.class, List.of("auto-long"), dir);
            assertEquals(0, exit.code(), exit.log());
            Map<String, String> lines = lines(exit.log());
            assertEquals("1/1", lines.get("counts"), exit.log());
            String reason = lines.get("reason");
            assertTrue(reason.matches(".*for batches [^;]* in 0 tries.*"), reason);
            assertTrue(reason.matches(".*for batches [^;]* [1-9][0-9]* tries of more held back.*"), reason);
            assertTrue(reason.matches(".*1000 other tasks runnable then.*"), reason);
        }
    }

    private static String tokens(PrebuiltRuntimes.Exit exit) {
        assertEquals(0, exit.code(), exit.log());
        String tokens = lines(exit.log()).get("tokens");
        assertNotNull(tokens, exit.log());
        return tokens;
    }

    private static Map<String, String> lines(String log) {
        return log.lines()
                .filter(l -> l.startsWith("threads-child "))
                .map(l -> l.substring("threads-child ".length()).split(" ", 2))
                .collect(java.util.stream.Collectors.toMap(p -> p[0], p -> p.length > 1 ? p[1] : ""));
    }

    /** The child: "threads" prints the pool's OS threads at each stage; "tokens" prints the tokens of a run. */
    public static final class ThreadsChild {
        public static void main(String[] args) throws IOException {
            try (Model m = Model.load(TinyModels.gqaUntied().path(), TinyModels.options())) {
                model = m;
                if (args[0].equals("auto-long")) {
                    try (Session s = session(ThreadOptions.AUTOMATIC)) {
                        long end = System.nanoTime() + 1_500_000_000L; // far past the tuner's first try
                        while (System.nanoTime() < end) {
                            run(s, STEPS);
                            clearAll(s);
                        }
                        ThreadCounts c = s.threads();
                        System.out.println("threads-child counts " + c.threads() + "/" + c.threadsBatch());
                        System.out.println("threads-child reason " + c.reason());
                    }
                    return;
                }
                if (!args[0].equals("threads")) {
                    try (Session s = session(args[0].equals("auto") ? ThreadOptions.AUTOMATIC : ThreadOptions.of(2))) {
                        System.out.println("threads-child tokens " + Arrays.toString(run(s, STEPS)));
                        System.out.println("threads-child reason " + s.threads().reason());
                    }
                    return;
                }
                Set<String> created;
                Set<String> first;
                Set<String> steps;
                try (Session s = session(ThreadOptions.of(3))) {
                    created = siblings();
                    s.sequence(0).feed(PROMPT);
                    first = siblings();
                    run(s, STEPS);
                    steps = siblings();
                }
                print("created", created);
                print("first", first);
                print("steps", steps);
                print("closed", siblings());
            }
        }

        private static void print(String stage, Set<String> tids) {
            System.out.println(
                    "threads-child " + stage + " " + String.join(",", tids).replaceAll("^$", "[]"));
        }

        /**
         * The other threads of this process named like this one: threads inherit their creator's name, and only
         * ggml's pool threads are made by this one.
         */
        static Set<String> siblings() throws IOException {
            String self = Files.readString(Path.of("/proc/thread-self/comm")).strip();
            String me = Path.of("/proc/thread-self").toRealPath().getFileName().toString();
            Set<String> tids = new TreeSet<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        String comm = Files.readString(t.resolve("comm")).strip();
                        String tid = t.getFileName().toString();
                        if (comm.equals(self) && !tid.equals(me)) {
                            tids.add(tid);
                        }
                    } catch (IOException gone) {
                        // a thread that ended while listed
                    }
                }
            }
            return tids;
        }
    }

    /** Empties every sequence and restarts its sampler. */
    private static void clearAll(Session s) {
        for (int q = 0; q < s.sequences(); q++) {
            s.sequence(q).clear();
        }
    }
}
