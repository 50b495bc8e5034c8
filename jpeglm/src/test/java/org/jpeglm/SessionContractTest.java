package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Session's contract for every public method, found by reflection so a new method cannot skip it: refused after
 * close, while another thread is inside, and from a generate listener; and the per-token calls allocate nothing.
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
        List<Method> methods = new ArrayList<>();
        for (Method m : Session.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers())
                    && !Modifier.isStatic(m.getModifiers())
                    && !m.isSynthetic()
                    && !EXEMPT.contains(m.getName())) {
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
                names.containsAll(List.of("sampling", "stream", "step", "generate", "model", "vocabSize")),
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
    void everyMethodIsRefusedToASecondThreadAndToTheListener() throws Exception {
        try (Session s = session()) {
            s.feed(0, PROMPT);
            List<String> problems = new ArrayList<>();
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Generation> a = pool.submit(() -> s.generate(0, 1, t -> {
                    assertAllRefused(s, "generate listener", problems, "listener");
                    String close =
                            assertThrows(IllegalStateException.class, s::close).getMessage();
                    if (!close.contains("generate listener")) {
                        problems.add("listener: close -> " + close);
                    }
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return true;
                }));
                assertTrue(inside.await(60, TimeUnit.SECONDS));
                List<String> fromOther = new ArrayList<>();
                assertAllRefused(s, "in use by thread", fromOther, "second thread");
                release.countDown();
                assertEquals(1, a.get(60, TimeUnit.SECONDS).length());
                problems.addAll(fromOther);
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            assertEquals(List.of(), problems);
            assertEquals(PROMPT.length + 1, s.length(0), "the session is free again afterwards");
        }
    }

    @Test
    void aFailedCallLeavesTheSessionFree() {
        try (Session s = session()) {
            assertThrows(IllegalArgumentException.class, () -> s.feed(5, 1));
            assertThrows(NullPointerException.class, () -> s.setMask(0, (long[]) null));
            assertThrows(IllegalStateException.class, () -> s.step(0), "no logits yet");
            s.feed(0, PROMPT);
            assertEquals(PROMPT.length, s.length(0));
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
            s.setSampling(SamplingParams.builder().temperature(1).seed(3).build());
            s.decode(seqs, tokens);
            assertAllocationFree("sample(int[], int[])", 5_000, () -> {
                s.sample(seqs, out);
                return out[0];
            });
            assertAllocationFree("sample(int)", 5_000, () -> s.sample(1));
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
