package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import java.util.stream.Stream;
import org.jpeglm.TinyModels.Tiny;
import org.jpeglm.testing.LlamaReference;
import org.jpeglm.testing.LogitsAssert;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** llama.cpp's logits through the whole stack equal the plain-Java reference forward pass. */
class ParityTest {
    static final double TOLERANCE = 1e-4;

    static Stream<Tiny> models() {
        return Stream.of(TinyModels.mhaTied(), TinyModels.mhaUntied(), TinyModels.gqaUntied(), TinyModels.mqaTied());
    }

    static int[] randomTokens(int n, int vocab, long seed) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void promptLogitsMatchReference(Tiny tiny) {
        int[] tokens = randomTokens(37, tiny.config().vocabSize(), 11);
        float[][] expected = tiny.reference().logits(tokens);
        try (Model model = Model.load(tiny.path(), TinyModels.options());
                Session session =
                        model.newSession(TinyModels.exact(128).batchSize(16).build())) {
            assertEquals(tiny.config().vocabSize(), model.vocabSize());
            session.sequence(0).feed(tokens); // three native batches of at most 16
            float[] got = session.sequence(0).logits();
            double err = TinyModels.relativeError(got, expected[tokens.length - 1]);
            assertTrue(err < TOLERANCE, tiny.name() + ": relative error " + err);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyPositionMatchesReferenceWhenFedOneByOne(Tiny tiny) {
        int[] tokens = randomTokens(24, tiny.config().vocabSize(), 12);
        LlamaReference.Session ref = tiny.reference().newSession();
        try (Model model = Model.load(tiny.path(), TinyModels.options());
                Session session = model.newSession(TinyModels.exact(64).build())) {
            for (int i = 0; i < tokens.length; i++) {
                session.sequence(0).feed(tokens[i]);
                float[] expected = ref.next(tokens[i]);
                double err = TinyModels.relativeError(session.sequence(0).logits(), expected);
                assertTrue(err < TOLERANCE, tiny.name() + " position " + i + ": relative error " + err);
            }
            assertEquals(tokens.length, session.length(0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void scoresAreTheReferenceLogLikelihoods(Tiny tiny) {
        int[] tokens = randomTokens(30, tiny.config().vocabSize(), 14);
        float[][] logits = tiny.reference().logits(tokens);
        try (Model model = Model.load(tiny.path(), TinyModels.options());
                Session session =
                        model.newSession(TinyModels.exact(64).batchSize(8).build())) {
            float[] first = session.sequence(0).score(java.util.Arrays.copyOf(tokens, 10)); // two calls, batches of 8
            float[] rest = session.sequence(0).score(java.util.Arrays.copyOfRange(tokens, 10, 30));
            assertTrue(Float.isNaN(first[0]), "nothing precedes the first token");
            for (int i = 1; i < tokens.length; i++) {
                float got = i < 10 ? first[i] : rest[i - 10];
                double expected = LogitsAssert.logSoftmax(logits[i - 1], tokens[i]);
                assertEquals(expected, got, 1e-4 * Math.max(1, Math.abs(expected)), tiny.name() + " token " + i);
            }
            // Afterwards the sequence has the last token's logits, as after decode.
            assertTrue(TinyModels.relativeError(session.sequence(0).logits(), logits[tokens.length - 1]) < TOLERANCE);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void greedyGenerationFollowsReferenceArgmax(Tiny tiny) {
        int[] prompt = randomTokens(5, tiny.config().vocabSize(), 13);
        LlamaReference.Session ref = tiny.reference().newSession();
        float[] logits = ref.nextAll(prompt);
        try (Model model = Model.load(tiny.path(), TinyModels.options());
                Session session = model.newSession(TinyModels.exact(64).build())) {
            session.sequence(0).feed(prompt);
            for (int i = 0; i < 20; i++) {
                int token = session.sequence(0).step();
                assertEquals(TinyModels.argmax(logits), token, tiny.name() + " step " + i);
                logits = ref.next(token);
            }
        }
    }
}
