package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import org.jpeglm.testing.ChildJvmCases;
import org.junit.jupiter.api.Test;

/**
 * Fuzzing of the native code through the API, each batch of cases in a child JVM with a memory limit
 * ({@link ChildJvmCases}): mutated GGUF files through Model.load and a decode, mutated saved states through
 * Session.loadState and a decode. A case that kills its child (abort, segfault, OOM, hang) fails the test and is
 * reported with its seed, index and description; so is an exception other than JpeglmException.
 *
 * <p>The seed is random unless -Djpeglm.fuzz.seed=N; it is printed, and case N of a seed is always the same input.
 */
class NativeFuzzTest {
    static final int GGUF_CASES = Integer.getInteger("jpeglm.fuzz.ggufCases", 1500);
    static final int STATE_CASES = Integer.getInteger("jpeglm.fuzz.stateCases", 1500);
    static final Duration PER_CHILD = Duration.ofSeconds(120);

    static long seed() {
        Long fixed = Long.getLong("jpeglm.fuzz.seed");
        long seed = fixed != null ? fixed : new java.security.SecureRandom().nextLong();
        System.out.println("fuzz seed: " + seed + " (rerun with -Djpeglm.fuzz.seed=" + seed + ")");
        return seed;
    }

    private static void assertNoCrash(String what, long seed, ChildJvmCases.Report report) {
        System.out.println(what + ": " + report.summary());
        assertTrue(
                report.crashes().isEmpty() && report.unexpected().isEmpty(),
                what + " with seed " + seed + ": " + report.summary());
    }

    @Test
    void mutatedGgufFilesNeverCrash() {
        long seed = seed();
        Path model = TinyModels.mhaUntied().path();
        ChildJvmCases.Report report = ChildJvmCases.run(GgufChild.class, seed, GGUF_CASES, PER_CHILD, model.toString());
        assertNoCrash("GGUF fuzzing", seed, report);
        assertEquals(GGUF_CASES, report.finished() + report.crashes().size());
    }

    @Test
    void mutatedStatesNeverCrash() {
        long seed = seed();
        Path model = TinyModels.mhaUntied().path();
        ChildJvmCases.Report report =
                ChildJvmCases.run(StateChild.class, seed, STATE_CASES, PER_CHILD, model.toString());
        assertNoCrash("state fuzzing", seed, report);
        assertEquals(STATE_CASES, report.finished() + report.crashes().size());
    }

    /** The child of {@link #mutatedGgufFilesNeverCrash}: args seed, from, to, model path. */
    public static final class GgufChild {
        public static void main(String[] args) throws IOException {
            long seed = Long.parseLong(args[0]);
            GgufMutator mutator = new GgufMutator(Files.readAllBytes(Path.of(args[3])));
            Path file = Files.createTempFile("jpeglm-fuzz", ".gguf");
            try {
                ChildJvmCases.childMain(
                        args,
                        i -> new ChildJvmCases.Case() {
                            final GgufMutator.Mutant m = mutator.mutate(seed, i);

                            @Override
                            public String description() {
                                return m.description();
                            }

                            @Override
                            public void run() throws IOException {
                                Files.write(file, m.bytes());
                                try (Model model = Model.load(file, ModelOptions.defaults());
                                        Session s = model.newSession(16)) {
                                    s.sequence(0).feed(1, 2, 3);
                                    s.sequence(0).step();
                                }
                            }
                        },
                        t -> t instanceof JpeglmException);
            } finally {
                Files.deleteIfExists(file);
            }
        }
    }

    /** The child of {@link #mutatedStatesNeverCrash}: args seed, from, to, model path. */
    public static final class StateChild {
        public static void main(String[] args) {
            long seed = Long.parseLong(args[0]);
            try (Model model = Model.load(Path.of(args[3]), ModelOptions.defaults());
                    Session s = model.newSession(SessionOptions.builder()
                            .contextLength(32)
                            .sequences(2)
                            .build())) {
                s.sequence(0).feed(5, 9, 2, 7, 1);
                StateMutator mutator = new StateMutator(s.saveState(0));
                ChildJvmCases.childMain(
                        args,
                        i -> new ChildJvmCases.Case() {
                            final StateMutator.Mutant m = mutator.mutate(seed, i);

                            @Override
                            public String description() {
                                return m.description() + " (" + m.bytes().length + " bytes, first 64: "
                                        + HexFormat.of().formatHex(m.bytes(), 0, Math.min(64, m.bytes().length)) + ")";
                            }

                            @Override
                            public void run() {
                                s.loadState(1, m.bytes());
                                s.truncate(1, Math.min(s.length(1), 8)); // room for a token, which the step needs
                                s.sequence(1).feed(3);
                                s.sequence(1).step();
                            }
                        },
                        t -> t instanceof JpeglmException);
            }
        }
    }
}
