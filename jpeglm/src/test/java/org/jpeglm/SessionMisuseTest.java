package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 12's API misuse cases: masks past the vocabulary, logits with nothing to sample, a second thread. */
class SessionMisuseTest {
    static final int[] PROMPT = {3, 14, 15, 9, 26};
    static Model model;
    static int vocab;

    @BeforeAll
    static void load() {
        model = Model.load(TinyModels.gqaUntied().path(), TinyModels.options());
        vocab = model.vocabSize();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Session session() {
        return model.newSession(TinyModels.exact(64).sequences(2).threads(1).build());
    }

    static String message(Throwable e) {
        return e.getMessage();
    }

    // ---- masks ------------------------------------------------------------------------------------------

    @Test
    void bothMaskFormsRefuseATokenOutsideTheVocabularyTheSameWay() {
        int words = (vocab + 63) / 64;
        try (Session s = session()) {
            for (int outside : new int[] {vocab, vocab + 1, words * 64 - 1, words * 64 + 70}) {
                if (outside < vocab) {
                    continue; // vocab a multiple of 64: no spare bit in the last word
                }
                BitSet set = new BitSet();
                set.set(1);
                set.set(outside);
                long[] array = Arrays.copyOf(set.toLongArray(), Math.max(words, outside / 64 + 1));
                String fromBits = message(assertThrows(
                        IllegalArgumentException.class, () -> s.sequence(0).setMask(set)));
                String fromWords = message(assertThrows(IllegalArgumentException.class, () -> s.setMask(0, array)));
                assertEquals(fromBits, fromWords);
                assertTrue(fromWords.contains("token " + outside) && fromWords.contains("vocabulary"), fromWords);
            }
            assertNotEquals(0, vocab % 64, "the model leaves spare bits in the last word: the case above ran");
        }
    }

    @Test
    void aMaskWithNoTokenIsRefusedInBothFormsAndExtraZeroWordsAreFine() {
        int words = (vocab + 63) / 64;
        try (Session s = session()) {
            assertThrows(IllegalArgumentException.class, () -> s.sequence(0).setMask(new BitSet()));
            assertThrows(IllegalArgumentException.class, () -> s.setMask(0, new long[words]));
            assertThrows(IllegalArgumentException.class, () -> s.setMask(0, new long[words - 1]), "too short");
            long[] longer = new long[words + 3];
            longer[0] = 1L << 7;
            s.setMask(0, longer);
            s.sequence(0).feed(PROMPT);
            assertEquals(7, s.sequence(0).step(), "the only allowed token");
        }
    }

    // ---- logits -----------------------------------------------------------------------------------------

    @Test
    void setLogitsRefusesNaNAndPlusInfinityNamingTheIndexAndKeepsTheLogits() {
        try (Session s = session()) {
            s.sequence(0).feed(PROMPT);
            float[] before = s.sequence(0).logits();
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
                float[] v = before.clone();
                v[17] = bad;
                String m = message(assertThrows(IllegalArgumentException.class, () -> s.setLogits(0, v)));
                assertTrue(m.contains("logit 17"), m);
            }
            assertArrayEquals(before, s.sequence(0).logits(), "a refused call changes nothing");
            float[] allNaN = new float[vocab];
            Arrays.fill(allNaN, Float.NaN);
            assertTrue(message(assertThrows(IllegalArgumentException.class, () -> s.setLogits(0, allNaN)))
                    .contains("logit 0"));
        }
    }

    @Test
    void logitsThatLeaveNothingToSampleFailAtSamplingInsteadOfGivingTokenZero() {
        float[] none = new float[vocab];
        Arrays.fill(none, Float.NEGATIVE_INFINITY);
        try (Session s = session()) {
            s.sequence(0).feed(PROMPT);
            s.setLogits(0, none);
            for (Runnable sampling : new Runnable[] {
                () -> s.sequence(0).step(),
                () -> s.sequence(0).sample(),
                () -> s.sequence(0).generate(3, t -> true),
                () -> s.step(new int[] {0}, new int[1])
            }) {
                JpeglmException e = assertThrows(JpeglmException.class, sampling::run);
                assertEquals(ErrorCode.STATE, e.code());
                assertTrue(
                        e.getMessage().contains("sequence 0") && e.getMessage().contains("finite"), e.getMessage());
            }
            assertEquals(PROMPT.length, s.length(0), "nothing was appended");
            s.sequence(0).feed(5);
            int token = s.sequence(0).step();
            assertTrue(token >= 0 && token < vocab, "the model's own logits sample again");
        }
    }

    @Test
    void theMaskDecidesWhichFiniteLogitsCount() {
        try (Session s = session()) {
            s.sequence(0).feed(PROMPT);
            float[] v = new float[vocab];
            Arrays.fill(v, Float.NEGATIVE_INFINITY);
            v[40] = 1f; // finite only where the mask below forbids
            s.setLogits(0, v);
            BitSet allowed = new BitSet();
            allowed.set(0); // llama.cpp would return token 0: allowed, but its logit is -inf
            allowed.set(30);
            s.sequence(0).setMask(allowed);
            assertEquals(
                    ErrorCode.STATE,
                    assertThrows(JpeglmException.class, () -> s.sequence(0).sample())
                            .code());
            allowed.set(40);
            s.sequence(0).setMask(allowed);
            assertEquals(40, s.sequence(0).sample());
            s.clearMask(0);
            assertEquals(40, s.sequence(0).step());
        }
    }

    @Test
    void aStateSavedWithNothingToSampleIsRefusedAtSamplingAfterLoading() {
        float[] none = new float[vocab];
        Arrays.fill(none, Float.NEGATIVE_INFINITY);
        byte[] state;
        try (Session s = session()) {
            s.sequence(0).feed(PROMPT);
            s.setLogits(0, none);
            state = s.saveState(0);
        }
        try (Session s = session()) {
            s.loadState(1, state);
            assertEquals(
                    ErrorCode.STATE,
                    assertThrows(JpeglmException.class, () -> s.sequence(1).step())
                            .code());
        }
    }

    // ---- threads ----------------------------------------------------------------------------------------

    /**
     * Thread "owner" generates on sequence 0; inside its listener, another thread calls feed on it (told the
     * sequence is in use by "owner", not that it is a listener), then the listener itself calls feed (told it is a
     * listener).
     */
    @Test
    void aSecondThreadAndAReenteringListenerAreToldApart() throws Exception {
        try (Session s = session()) {
            s.sequence(0).feed(PROMPT);
            AtomicReference<String> fromOther = new AtomicReference<>();
            AtomicReference<String> fromListener = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            Thread owner = Thread.ofPlatform().name("owner").start(() -> {
                s.sequence(0).generate(1, t -> {
                    Thread other = Thread.ofPlatform()
                            .name("intruder")
                            .start(() -> fromOther.set(message(assertThrows(
                                    IllegalStateException.class,
                                    () -> s.sequence(0).feed(PROMPT)))));
                    try {
                        other.join();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    fromListener.set(message(assertThrows(
                            IllegalStateException.class, () -> s.sequence(0).feed(PROMPT))));
                    return true;
                });
                done.countDown();
            });
            assertTrue(done.await(60, TimeUnit.SECONDS));
            owner.join();
            String other = fromOther.get();
            assertTrue(
                    other.contains("sequence 0 is in use by thread \"owner\"") && other.contains("\"intruder\""),
                    other);
            assertTrue(other.contains("one thread at a time"), other);
            assertFalse(other.contains("listener"), other);
            String listener = fromListener.get();
            assertTrue(listener.contains("generate listener"), listener);
            assertFalse(listener.contains("in use by"), listener);
            CompletableFuture.runAsync(() -> s.sequence(1).feed(PROMPT)).get(60, TimeUnit.SECONDS);
            assertEquals(PROMPT.length, s.length(1), "once generate returned, another thread may use it");
        }
    }
}
