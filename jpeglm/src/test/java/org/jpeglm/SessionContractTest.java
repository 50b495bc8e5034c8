package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Session's contract for every public method, found by reflection so a new method cannot skip it: refused after
 * close and while another thread is inside; and the per-token calls allocate nothing. {@link SequenceTest} holds
 * the same for {@link Sequence}, and its generate listener.
 */
class SessionContractTest {
    /** The methods the class comment exempts from the one-thread rule. */
    static final Set<String> EXEMPT = Set.of("cancel", "close", "isClosed", "toString");

    static final int[] PROMPT = {3, 14, 15, 9, 26};
    static Model model;

    @BeforeAll
    static void load() {
        model = Model.load(TinyModels.gqaUntied().path(), TinyModels.options());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Session session() {
        return model.newSession(TinyModels.exact(64).sequences(2).threads(1).build());
    }

    /** Every public instance method of Session but the exempt ones, in a stable order. */
    static List<Method> guardedMethods() {
        return publicMethods(Session.class, EXEMPT);
    }

    /** Every public instance method of c but the exempt ones, in a stable order. */
    static List<Method> publicMethods(Class<?> c, Set<String> exempt) {
        List<Method> methods = new ArrayList<>();
        for (Method m : c.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())
                    && !Modifier.isStatic(m.getModifiers())
                    && !m.isSynthetic()
                    && !exempt.contains(m.getName())) {
                methods.add(m);
            }
        }
        methods.sort(Comparator.comparing(Method::toString));
        return methods;
    }

    /**
     * Calls m with placeholder arguments (zeros and nulls: the guard comes before any argument check) and returns
     * its IllegalStateException message, or a line saying what went wrong instead.
     */
    static String refusal(Session s, Method m) {
        Object[] args = Arrays.stream(m.getParameterTypes())
                .map(t -> t == int.class ? (Object) 0 : t == long.class ? (Object) 0L : null)
                .toArray();
        try {
            m.invoke(s, args);
            return m + " was not refused";
        } catch (InvocationTargetException e) {
            return e.getCause() instanceof IllegalStateException ise ? ise.getMessage() : m + " threw " + e.getCause();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    static void assertAllRefused(Session s, String expected, List<String> problems, String when) {
        for (Method m : guardedMethods()) {
            String message = refusal(s, m);
            if (message == null || !message.contains(expected)) {
                problems.add(when + ": " + m.getName() + Arrays.toString(m.getParameterTypes()) + " -> " + message);
            }
        }
    }

    @Test
    void theContractCoversTheMethodsThatSkippedIt() {
        List<String> names = guardedMethods().stream().map(Method::getName).toList();
        assertTrue(
                names.containsAll(List.of("sampling", "step", "decode", "model", "vocabSize", "sequence")),
                names.toString());
        assertEquals(
                Set.of(),
                EXEMPT.stream()
                        .filter(n -> Arrays.stream(Session.class.getMethods())
                                .noneMatch(m -> m.getName().equals(n)))
                        .collect(java.util.stream.Collectors.toSet()),
                "stale exemptions");
    }

    @Test
    void everyMethodIsRefusedAfterClose() {
        Session s = session();
        s.close();
        List<String> problems = new ArrayList<>();
        assertAllRefused(s, "session is closed", problems, "closed");
        assertEquals(List.of(), problems);
        s.close();
        s.cancel();
        assertTrue(s.isClosed());
        assertTrue(s.toString().contains("closed"));
    }

    @Test
    void everyMethodIsRefusedToASecondThread() throws Exception {
        try (Session s = session()) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread owner = Thread.ofPlatform().name("owner").start(() -> {
                try (var _ = s.guard().enter()) { // as a long native call would hold it
                    inside.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<String> problems = new ArrayList<>();
            try {
                assertTrue(inside.await(60, TimeUnit.SECONDS));
                assertAllRefused(s, "session is in use by thread \"owner\"", problems, "second thread");
                String close =
                        assertThrows(IllegalStateException.class, s::close).getMessage();
                if (!close.contains("in use by thread \"owner\"")) {
                    problems.add("second thread: close -> " + close);
                }
            } finally {
                release.countDown();
                owner.join();
            }
            assertEquals(List.of(), problems);
            s.sequence(0).feed(PROMPT);
            assertEquals(PROMPT.length, s.length(0), "the session is free again afterwards");
        }
    }

    @Test
    void aFailedCallLeavesTheSessionFree() {
        try (Session s = session()) {
            assertThrows(IllegalArgumentException.class, () -> s.sequence(5).feed(1));
            assertThrows(NullPointerException.class, () -> s.setMask(0, (long[]) null));
            assertThrows(IllegalStateException.class, () -> s.sequence(0).step(), "no logits yet");
            s.sequence(0).feed(PROMPT);
            assertEquals(PROMPT.length, s.length(0));
        }
    }

    /**
     * The same contract for {@link Sequence}, which keeps the one-thread rule for itself: refused after the session
     * closed, to a second thread while its generate listener runs, and to that listener, which may still call the
     * session.
     */
    @Nested
    class SequenceContract {
        /** The methods that do not touch the session. */
        static final Set<String> SEQUENCE_EXEMPT = Set.of("session", "index", "toString");

        static List<Method> sequenceMethods() {
            return publicMethods(Sequence.class, SEQUENCE_EXEMPT);
        }

        /** A harmless argument of type t: the refusal must come before any use of it. */
        static Object placeholder(Class<?> t) {
            if (t == int.class) {
                return 0;
            }
            if (t == int[].class) {
                return new int[] {1};
            }
            if (t == BitSet.class) {
                BitSet b = new BitSet();
                b.set(1);
                return b;
            }
            if (t == IntPredicate.class) {
                return (IntPredicate) x -> true;
            }
            if (t == SamplingParams.class) {
                return SamplingParams.greedy();
            }
            throw new AssertionError("no placeholder for " + t);
        }

        static void assertSequenceRefused(Sequence q, String expected, List<String> problems, String when) {
            for (Method m : sequenceMethods()) {
                Object[] args = Arrays.stream(m.getParameterTypes())
                        .map(SequenceContract::placeholder)
                        .toArray();
                String message;
                try {
                    m.invoke(q, args);
                    message = "not refused";
                } catch (InvocationTargetException e) {
                    message = e.getCause() instanceof IllegalStateException ise
                            ? ise.getMessage()
                            : "threw " + e.getCause();
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
                if (!message.contains(expected)) {
                    problems.add(when + ": " + m.getName() + Arrays.toString(m.getParameterTypes()) + " -> " + message);
                }
            }
        }

        @Test
        void theContractCoversTheConveniences() {
            List<String> names = sequenceMethods().stream().map(Method::getName).toList();
            assertTrue(
                    names.containsAll(List.of(
                            "setSampling",
                            "setMask",
                            "clearMask",
                            "feed",
                            "step",
                            "sample",
                            "score",
                            "logits",
                            "generate",
                            "stream",
                            "clear")),
                    names.toString());
        }

        @Test
        void everyMethodIsRefusedAfterTheSessionClosed() {
            Session s = session();
            Sequence q = s.sequence(1);
            s.close();
            List<String> problems = new ArrayList<>();
            assertSequenceRefused(q, "session is closed", problems, "closed");
            assertEquals(List.of(), problems);
            assertSame(s, q.session());
            assertEquals(1, q.index());
        }

        @Test
        void aSecondThreadAndTheListenerAreRefusedTheSequenceWhileTheListenerMayUseTheSession() throws Exception {
            try (Session s = session()) {
                Sequence q = s.sequence(0);
                assertSame(q, s.sequence(0), "one object per sequence, so one guard");
                q.feed(PROMPT);
                List<String> problems = new ArrayList<>();
                List<String> fromOther = new ArrayList<>();
                CountDownLatch done = new CountDownLatch(1);
                Thread owner = Thread.ofPlatform().name("owner").start(() -> {
                    q.generate(1, t -> {
                        assertSequenceRefused(q, "generate listener", problems, "listener");
                        Thread other = Thread.ofPlatform()
                                .name("intruder")
                                .start(() -> assertSequenceRefused(
                                        q, "sequence 0 is in use by thread \"owner\"", fromOther, "second thread"));
                        try {
                            other.join();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        String close = assertThrows(IllegalStateException.class, s::close)
                                .getMessage();
                        if (!close.contains("generate listener")) {
                            problems.add("listener: close -> " + close);
                        }
                        Thread closer = Thread.ofPlatform().name("closer").start(() -> {
                            String message = assertThrows(IllegalStateException.class, s::close)
                                    .getMessage();
                            if (!message.contains("sequence 0 is in use by thread \"owner\"")) {
                                fromOther.add("second thread: close -> " + message);
                            }
                        });
                        try {
                            closer.join();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        s.sequence(1).feed(PROMPT); // the session and other sequences are free
                        return true;
                    });
                    done.countDown();
                });
                assertTrue(done.await(60, TimeUnit.SECONDS));
                owner.join();
                problems.addAll(fromOther);
                assertEquals(List.of(), problems);
                assertEquals(PROMPT.length + 1, q.length());
                assertEquals(PROMPT.length, s.length(1));
            }
        }
    }

    // ---- allocation ---------------------------------------------------------------------------------------

    static long allocatedBytes() {
        // Through reflection: the test module does not read jdk.management; tests run on the class path.
        try {
            Object bean = Class.forName("java.lang.management.ManagementFactory")
                    .getMethod("getThreadMXBean")
                    .invoke(null);
            return (Long) Class.forName("com.sun.management.ThreadMXBean")
                    .getMethod("getCurrentThreadAllocatedBytes")
                    .invoke(bean);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Asserts that some round of calls allocates less than a byte per call: the first rounds may run interpreted,
     * which allocates where compiled code does not.
     */
    static void assertAllocationFree(String what, int calls, IntSupplier call) {
        long overhead = Long.MAX_VALUE; // of reading the counter itself
        for (int i = 0; i < 3; i++) {
            overhead = Math.min(overhead, -allocatedBytes() + allocatedBytes());
        }
        List<Long> rounds = new ArrayList<>();
        int sink = 0;
        for (int round = 0; round < 20; round++) {
            long before = allocatedBytes();
            for (int i = 0; i < calls; i++) {
                sink += call.getAsInt();
            }
            long bytes = allocatedBytes() - before - overhead;
            rounds.add(bytes);
            if (bytes < calls) {
                return;
            }
        }
        fail(what + " allocates: bytes per round of " + calls + " calls " + rounds + " (" + sink + ")");
    }

    @Test
    void thePerTokenCallsAllocateNothing() {
        try (Session s = session()) {
            int[] seqs = {0, 1};
            int[] tokens = {7, 8};
            int[] out = new int[2];
            long[] words = new long[(s.vocabSize() + 63) / 64];
            Arrays.fill(words, -1L);
            words[words.length - 1] = -1L >>> (64 * words.length - s.vocabSize()); // every token, none past them
            SamplingParams sampling =
                    SamplingParams.builder().temperature(1).seed(3).build();
            s.setSampling(0, sampling);
            s.setSampling(1, sampling);
            s.decode(seqs, tokens);
            assertAllocationFree("sample(int[], int[])", 5_000, () -> {
                s.sample(seqs, out);
                return out[0];
            });
            Sequence one = s.sequence(1);
            assertAllocationFree("Sequence.sample()", 5_000, one::sample);
            assertAllocationFree("setMask(int, long[])", 5_000, () -> {
                s.setMask(0, words);
                return 0;
            });
            assertAllocationFree("length(int)", 5_000, () -> s.length(0));
            // logits(int, float[]) is not asserted: the native pointer it copies from comes back wrapped in a new
            // segment per call, which only the JIT's escape analysis removes, sooner or later.
            assertAllocationFree("decode, step(int[], int[]) and truncate", 200, () -> {
                s.truncate(0, 1);
                s.truncate(1, 1);
                s.decode(seqs, tokens);
                s.step(seqs, out);
                return out[1];
            });
        }
    }
}
