package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jpeglm.TinyModels.Tiny;
import org.jpeglm.testing.LlamaReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions: determinism, seeds, batched sequences, masks, cancel, state, and the one-thread rule. */
class SessionTest {
    static Tiny tiny;
    static Model model;
    static final int[] PROMPT = {3, 14, 15, 9, 26};
    static final SamplingParams SAMPLING = SamplingParams.builder()
            .temperature(1.2f)
            .topK(40)
            .topP(0.95f)
            .seed(7)
            .build();

    @BeforeAll
    static void load() {
        tiny = TinyModels.gqaUntied();
        model = Model.load(tiny.path(), TinyModels.options());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Session session(int sequences, int contextLength) {
        return model.newSession(
                TinyModels.exact(contextLength).sequences(sequences).threads(2).build());
    }

    static int[] generate(SamplingParams sampling, int n) {
        try (Session s = session(1, 128)) {
            s.setSampling(0, sampling);
            s.sequence(0).feed(PROMPT);
            return s.sequence(0).generate(n, t -> true).tokens();
        }
    }

    @Test
    void aCacheLargerThanMemoryIsRefusedBeforeLlamaCppAllocatesIt() {
        // 2^28 tokens of even a tiny model's cache is tens of GiB: refused with the size, not an OOM kill.
        JpeglmException e = assertThrows(JpeglmException.class, () -> session(256, 1 << 20));
        assertEquals(ErrorCode.OUT_OF_MEMORY, e.code(), e.getMessage());
        assertTrue(e.getMessage().contains("GiB of KV cache"), e.getMessage());
        try (Session s = session(1, 64)) {
            s.sequence(0).feed(PROMPT);
            assertTrue(s.sequence(0).step() >= 0, "the model still makes sessions");
        }
    }

    @Test
    void greedyGenerationIsDeterministic() {
        int[] a = generate(SamplingParams.greedy(), 40);
        int[] b = generate(SamplingParams.greedy(), 40);
        assertEquals(40, a.length);
        assertArrayEquals(a, b);
    }

    @Test
    void aSeedReproducesItsTokensAndAnotherSeedDiffers() {
        int[] a = generate(SAMPLING, 60);
        int[] b = generate(SAMPLING, 60);
        int[] c = generate(SAMPLING.withSeed(8), 60);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c), "seeds 7 and 8 gave the same 60 tokens");
        assertFalse(Arrays.equals(a, generate(SamplingParams.greedy(), 60)), "sampling at T=1.2 looks greedy");
    }

    @Test
    void sequencesSteppedTogetherMatchEachRunAlone() {
        int n = 4;
        int steps = 12;
        // Alone: each sequence's logits after each step, with its own seed.
        float[][][] alone = new float[n][steps][];
        int[][] aloneTokens = new int[n][steps];
        for (int q = 0; q < n; q++) {
            try (Session s = session(1, 64)) {
                s.setSampling(0, SAMPLING.withSeed(100 + q));
                s.sequence(0).feed(Arrays.copyOfRange(PROMPT, 0, 2 + q)); // prompts of different lengths
                for (int i = 0; i < steps; i++) {
                    aloneTokens[q][i] = s.sequence(0).step();
                    alone[q][i] = s.sequence(0).logits();
                }
            }
        }
        try (Session s = session(n, 64)) {
            int[] seqs = {0, 1, 2, 3};
            for (int q = 0; q < n; q++) {
                s.setSampling(q, SAMPLING.withSeed(100 + q));
                s.sequence(q).feed(Arrays.copyOfRange(PROMPT, 0, 2 + q));
            }
            int[] out = new int[n];
            for (int i = 0; i < steps; i++) {
                s.step(seqs, out);
                for (int q = 0; q < n; q++) {
                    assertEquals(aloneTokens[q][i], out[q], "sequence " + q + " step " + i);
                    double err = TinyModels.relativeError(s.sequence(q).logits(), alone[q][i]);
                    assertTrue(err < 1e-4, "sequence " + q + " step " + i + ": relative error " + err);
                }
            }
        }
    }

    @Test
    void batchedSequencesMatchTheReference() {
        LlamaReference reference = tiny.reference();
        try (Session s = session(3, 64)) {
            int[][] prompts = {{1, 2, 3}, {4, 5}, {6, 7, 8, 9}};
            int[] seqs = {0, 0, 0, 1, 1, 2, 2, 2, 2};
            int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8, 9};
            s.decode(seqs, tokens); // three prompts in one native batch
            for (int q = 0; q < 3; q++) {
                float[][] expected = reference.logits(prompts[q]);
                double err = TinyModels.relativeError(s.sequence(q).logits(), expected[prompts[q].length - 1]);
                assertTrue(err < 1e-4, "sequence " + q + ": relative error " + err);
                assertEquals(prompts[q].length, s.length(q));
            }
        }
    }

    @Test
    void maskRestrictsSampledTokens() {
        try (Session s = session(1, 128)) {
            s.setSampling(0, SamplingParams.builder().temperature(2f).seed(1).build());
            BitSet allowed = new BitSet();
            allowed.set(10);
            allowed.set(20);
            allowed.set(30);
            s.sequence(0).setMask(allowed);
            s.sequence(0).feed(PROMPT);
            BitSet seen = new BitSet();
            for (int i = 0; i < 40; i++) {
                int t = s.sequence(0).step();
                assertTrue(allowed.get(t), "token " + t + " is masked out");
                seen.set(t);
            }
            assertTrue(seen.cardinality() >= 2, "a high temperature should visit several allowed tokens");
            s.clearMask(0);
            assertThrows(IllegalArgumentException.class, () -> s.sequence(0).setMask(new BitSet()));
            BitSet outside = new BitSet();
            outside.set(model.vocabSize());
            assertThrows(IllegalArgumentException.class, () -> s.sequence(0).setMask(outside));
        }
    }

    @Test
    void editedLogitsDecideTheNextGreedyToken() {
        try (Session s = session(1, 64)) {
            s.sequence(0).feed(PROMPT);
            float[] logits = s.sequence(0).logits();
            int forced = (TinyModels.argmax(logits) + 1) % logits.length;
            logits[forced] = 1e9f;
            s.setLogits(0, logits);
            assertEquals(forced, s.sequence(0).step());
        }
    }

    @Test
    void cancelFromAnotherThreadStopsAGenerationMidway() throws Exception {
        try (Session s = session(1, 4096)) {
            s.sequence(0).feed(PROMPT);
            CountDownLatch started = new CountDownLatch(1);
            Thread canceller = Thread.ofPlatform().start(() -> {
                try {
                    started.await();
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
                s.cancel();
            });
            Generation g = s.sequence(0).generate(4000, t -> {
                started.countDown();
                return true;
            });
            canceller.join();
            assertEquals(Generation.StopReason.CANCELLED, g.stopReason());
            assertTrue(g.length() > 0 && g.length() < 4000, "generated " + g.length());
            // The request is used up: the session works again, and the sequence kept every returned token.
            assertEquals(PROMPT.length + g.length(), s.length(0));
            assertEquals(5, s.sequence(0).generate(5, t -> true).length());
        }
    }

    @Test
    void cancelBetweenCallsStopsTheNextStep() {
        try (Session s = session(1, 64)) {
            s.sequence(0).feed(PROMPT);
            s.cancel();
            assertThrows(CancellationException.class, () -> s.sequence(0).step());
            assertEquals(PROMPT.length, s.length(0), "a cancelled step keeps no token");
            s.sequence(0).step();
            assertEquals(PROMPT.length + 1, s.length(0));
        }
    }

    @Test
    void listenerStopsGenerationAndCannotReenterTheSession() {
        try (Session s = session(1, 64)) {
            s.sequence(0).feed(PROMPT);
            AtomicReference<Throwable> inside = new AtomicReference<>();
            Generation g = s.sequence(0).generate(50, t -> {
                try {
                    s.sequence(0).step();
                } catch (Throwable e) {
                    inside.set(e);
                }
                return false;
            });
            assertEquals(Generation.StopReason.LISTENER, g.stopReason());
            assertEquals(1, g.length());
            assertInstanceOf(IllegalStateException.class, inside.get());
        }
    }

    @Test
    void contextFullEndsGenerationAndRefusesMoreTokens() {
        try (Session s = session(1, 16)) {
            s.sequence(0).feed(PROMPT);
            Generation g = s.sequence(0).generate(100, t -> true);
            assertEquals(Generation.StopReason.CONTEXT_FULL, g.stopReason());
            assertEquals(16 - PROMPT.length, g.length());
            JpeglmException e =
                    assertThrows(JpeglmException.class, () -> s.sequence(0).feed(1));
            assertEquals(ErrorCode.CONTEXT_FULL, e.code());
            s.truncate(0, 4);
            assertEquals(4, s.length(0));
            assertThrows(IllegalStateException.class, () -> s.sequence(0).step(), "truncation drops the logits");
            s.sequence(0).feed(2);
            s.sequence(0).step();
            assertEquals(6, s.length(0));
        }
    }

    @Test
    void stateSavedAndLoadedContinuesIdentically() {
        try (Session s = session(2, 128)) {
            s.setSampling(0, SAMPLING);
            s.sequence(0).feed(PROMPT);
            byte[] state = s.saveState(0);
            int[] first = s.sequence(0).generate(20, t -> true).tokens();
            s.setSampling(1, SAMPLING);
            s.loadState(1, state);
            assertEquals(PROMPT.length, s.length(1));
            int[] second = s.sequence(1).generate(20, t -> true).tokens();
            assertArrayEquals(first, second);
            byte[] broken = Arrays.copyOf(state, state.length / 2);
            JpeglmException e = assertThrows(JpeglmException.class, () -> s.loadState(1, broken));
            assertEquals(ErrorCode.FORMAT, e.code());
            assertThrows(JpeglmException.class, () -> s.loadState(1, new byte[] {1, 2, 3}));
        }
    }

    @Test
    void streamGeneratesLazily() {
        try (Session s = session(1, 64)) {
            s.sequence(0).feed(PROMPT);
            int[] streamed = s.sequence(0).stream(10).limit(7).toArray();
            assertEquals(7, streamed.length);
            assertEquals(PROMPT.length + 7, s.length(0));
        }
        int[] greedy = generate(SamplingParams.greedy(), 7);
        try (Session s = session(1, 64)) {
            s.sequence(0).feed(PROMPT);
            assertArrayEquals(greedy, s.sequence(0).stream(7).toArray());
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearExceptions() {
        try (Session s = session(2, 32)) {
            assertThrows(IllegalArgumentException.class, () -> s.sequence(2).feed(1));
            assertThrows(IllegalArgumentException.class, () -> s.sequence(-1).feed(1));
            assertThrows(IllegalArgumentException.class, () -> s.sequence(0).feed(model.vocabSize()));
            assertThrows(IllegalArgumentException.class, () -> s.sequence(0).feed(-5));
            assertThrows(IllegalStateException.class, () -> s.sequence(0).step(), "no logits before a prompt");
            s.sequence(0).feed(1);
            assertThrows(
                    IllegalArgumentException.class, () -> s.step(new int[] {0, 0}, new int[2]), "duplicate sequence");
            assertThrows(IllegalArgumentException.class, () -> s.decode(new int[] {0}, new int[] {1, 2}));
            assertThrows(IllegalArgumentException.class, () -> new SamplingParams(-1, 0, 1, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> new SamplingParams(1, 0, 0, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> new SamplingParams(Float.NaN, 0, 1, 0, 0));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> SessionOptions.builder().sequences(0).build());
        }
    }

    @Test
    void useAfterCloseThrows() {
        Session s = session(1, 32);
        s.sequence(0).feed(PROMPT);
        s.close();
        s.close(); // idempotent
        assertTrue(s.isClosed());
        assertThrows(IllegalStateException.class, () -> s.sequence(0).step());
        assertThrows(IllegalStateException.class, () -> s.sequence(0).feed(1));
        assertThrows(IllegalStateException.class, () -> s.sequence(0).logits());
        assertThrows(IllegalStateException.class, () -> s.length(0));
        s.cancel(); // harmless after close
    }

    @Test
    void aSessionUsedByTwoThreadsAtOnceThrows() throws Exception {
        try (Session s = session(1, 64)) {
            s.sequence(0).feed(PROMPT);
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                // The listener keeps thread A inside the session while thread B (this one) tries to use it.
                Future<Generation> a = pool.submit(() -> s.sequence(0).generate(1, t -> {
                    inside.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return true;
                }));
                assertTrue(inside.await(30, TimeUnit.SECONDS));
                assertThrows(IllegalStateException.class, () -> s.sequence(0).step());
                assertThrows(IllegalStateException.class, s::close);
                release.countDown();
                assertEquals(1, a.get(30, TimeUnit.SECONDS).length());
            } finally {
                release.countDown();
                pool.shutdownNow();
            }
            s.sequence(0).step(); // free again
        }
    }

    @Test
    void closingAModelWithOpenSessionsThrows() {
        try (Model m = Model.load(tiny.path(), TinyModels.options())) {
            Session s = m.newSession(32);
            assertThrows(IllegalStateException.class, m::close);
            s.close();
            m.close();
            assertTrue(m.isClosed());
            assertThrows(IllegalStateException.class, () -> m.newSession(32));
        }
    }

    @Test
    void fourThreadsWithOwnSessionsOnOneModelAgreeWithTheReference() throws Exception {
        LlamaReference reference = tiny.reference();
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int k = 0; k < threads; k++) {
                int[] prompt = {k + 1, 2 * k + 3, 7};
                results.add(pool.submit(() -> {
                    try (Session s =
                            model.newSession(TinyModels.exact(64).threads(1).build())) {
                        s.sequence(0).feed(prompt);
                        return s.sequence(0).generate(15, t -> true).tokens();
                    }
                }));
            }
            for (int k = 0; k < threads; k++) {
                int[] prompt = {k + 1, 2 * k + 3, 7};
                int[] got = results.get(k).get(120, TimeUnit.SECONDS);
                LlamaReference.Session ref = reference.newSession();
                float[] logits = ref.nextAll(prompt);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(TinyModels.argmax(logits), got[i], "thread " + k + " token " + i);
                    logits = ref.next(got[i]);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
