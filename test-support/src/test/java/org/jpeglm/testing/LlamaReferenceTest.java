package org.jpeglm.testing;

import static org.jpeglm.testing.LogitsAssert.assertLogitsClose;
import static org.jpeglm.testing.LogitsAssert.maxAbsDifference;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LlamaReferenceTest {

    /** Grouped-query config: 4 query heads share 2 KV heads, head width 8 (4 RoPE pairs). */
    private static final LlamaConfig GQA = new LlamaConfig(48, 32, 2, 4, 2, 40, 16, 10000f, 1e-5f, false);

    private static final int[] TOKENS = {3, 17, 0, 42, 17, 9, 30, 5};

    @Test
    void halfRopeOnHfWeightsEqualsInterleavedRopeOnPermutedWeights() {
        var hf = RandomLlama.create(GQA, 1);
        var expected = new LlamaReference(hf, RopeStyle.HALF).logits(TOKENS);
        var actual = new LlamaReference(hf.permutedForGguf(), RopeStyle.INTERLEAVED).logits(TOKENS);
        assertLogitsClose(expected, actual, 1e-5);

        // Without the permutation the two styles disagree, so the check above is not vacuous.
        var unpermuted = new LlamaReference(hf, RopeStyle.INTERLEAVED).logits(TOKENS);
        assertTrue(maxAbsDifference(expected[TOKENS.length - 1], unpermuted[TOKENS.length - 1]) > 1e-2);
    }

    @Test
    void permuteRopeRowsMatchesConvertersReshapeSwapaxes() {
        // numpy: arange(6).reshape(1, 2, 3).swapaxes(1, 2).reshape(6) == [0, 3, 1, 4, 2, 5]
        assertArrayEquals(
                new float[] {0, 3, 1, 4, 2, 5}, LlamaWeights.permuteRopeRows(new float[] {0, 1, 2, 3, 4, 5}, 1, 6, 1));
        // Two heads of width 4, each permuted on its own: [0, 2, 1, 3 | 4, 6, 5, 7]
        assertArrayEquals(
                new float[] {0, 2, 1, 3, 4, 6, 5, 7},
                LlamaWeights.permuteRopeRows(new float[] {0, 1, 2, 3, 4, 5, 6, 7}, 2, 4, 1));
        // Whole rows move: two columns per row.
        assertArrayEquals(
                new float[] {0, 10, 2, 12, 1, 11, 3, 13},
                LlamaWeights.permuteRopeRows(new float[] {0, 10, 1, 11, 2, 12, 3, 13}, 1, 4, 2));
    }

    @Test
    void permutedForGgufTouchesOnlyQueryAndKeyRows() {
        var hf = RandomLlama.create(GQA, 2);
        var gguf = hf.permutedForGguf();
        var before = hf.layers().get(1);
        var after = gguf.layers().get(1);
        int headDim = GQA.headDim();
        assertArrayEquals(LlamaWeights.permuteRopeRows(before.wq(), GQA.heads(), headDim, GQA.dim()), after.wq());
        assertArrayEquals(LlamaWeights.permuteRopeRows(before.wk(), GQA.kvHeads(), headDim, GQA.dim()), after.wk());
        assertTrue(!Arrays.equals(before.wq(), after.wq()));
        assertArrayEquals(before.wv(), after.wv());
        assertArrayEquals(before.wo(), after.wo());
        assertArrayEquals(hf.tokenEmbedding(), gguf.tokenEmbedding());
    }

    @Test
    void logitsAtAPositionIgnoreLaterTokens() {
        var reference = new LlamaReference(RandomLlama.create(GQA, 3), RopeStyle.INTERLEAVED);
        var changedTail = TOKENS.clone();
        changedTail[5] = 1;
        changedTail[7] = 2;
        var original = reference.logits(TOKENS);
        var changed = reference.logits(changedTail);
        for (int t = 0; t < 5; t++) {
            assertArrayEquals(original[t], changed[t], "position " + t + " saw a later token");
        }
        assertTrue(maxAbsDifference(original[5], changed[5]) > 1e-2, "position 5 ignored its own token");
        assertTrue(maxAbsDifference(original[6], changed[6]) > 1e-3, "position 6 ignored the earlier change");
    }

    @Test
    void logitsDependOnEarlierTokens() {
        var reference = new LlamaReference(RandomLlama.create(GQA, 3), RopeStyle.INTERLEAVED);
        var changedHead = TOKENS.clone();
        changedHead[0] = 44;
        var last = TOKENS.length - 1;
        assertTrue(maxAbsDifference(reference.logits(TOKENS)[last], reference.logits(changedHead)[last]) > 1e-3);
    }

    @Test
    void incrementalDecodingMatchesWholeSequence() {
        for (var style : RopeStyle.values()) {
            var reference = new LlamaReference(RandomLlama.create(GQA, 4), style);
            var batch = reference.logits(TOKENS);
            var session = reference.newSession();
            for (int t = 0; t < TOKENS.length; t++) {
                assertEquals(t, session.position());
                assertLogitsClose(batch[t], session.next(TOKENS[t]), 1e-6, style + " position " + t);
            }
            assertEquals(TOKENS.length, session.position());
        }
    }

    @Test
    void sessionsAreIndependent() {
        var reference = new LlamaReference(RandomLlama.create(GQA, 5), RopeStyle.INTERLEAVED);
        var first = reference.newSession();
        first.nextAll(1, 2, 3);
        var fresh = reference.newSession();
        assertArrayEquals(reference.logits(new int[] {7})[0], fresh.next(7));
    }

    @Test
    void groupedQueryAttentionEqualsMultiHeadWithRepeatedKvHeads() {
        var gqa = RandomLlama.create(GQA, 6);
        var mha = repeatKvHeads(gqa);
        assertEquals(GQA.heads(), mha.config().kvHeads());
        var expected = new LlamaReference(mha, RopeStyle.INTERLEAVED).logits(TOKENS);
        var actual = new LlamaReference(gqa, RopeStyle.INTERLEAVED).logits(TOKENS);
        assertLogitsClose(expected, actual, 1e-6);
    }

    @Test
    void tiedEmbeddingsProjectWithTheTokenEmbedding() {
        var tied = RandomLlama.create(GQA.withTiedEmbeddings(true), 7);
        assertEquals(null, tied.output());
        assertEquals(tied.tokenEmbedding(), tied.outputProjection());
        var untied = tied.untied();
        assertArrayEquals(tied.tokenEmbedding(), untied.output());

        var tiedLogits = new LlamaReference(tied, RopeStyle.INTERLEAVED).logits(TOKENS);
        assertLogitsClose(tiedLogits, new LlamaReference(untied, RopeStyle.INTERLEAVED).logits(TOKENS), 1e-7);

        // An untied model really uses its own output matrix.
        var otherOutput = RandomLlama.create(GQA, 8).output();
        var retargeted = new LlamaWeights(
                untied.config(), untied.tokenEmbedding(), untied.layers(), untied.finalNorm(), otherOutput);
        var last = TOKENS.length - 1;
        var retargetedLogits = new LlamaReference(retargeted, RopeStyle.INTERLEAVED).logits(TOKENS);
        assertTrue(maxAbsDifference(tiedLogits[last], retargetedLogits[last]) > 1e-2);
    }

    @Test
    void outputMatrixPresentExactlyWhenUntied() {
        var untied = RandomLlama.create(GQA, 9);
        var tiedConfig = GQA.withTiedEmbeddings(true);
        assertThrows(
                IllegalArgumentException.class,
                () -> new LlamaWeights(
                        tiedConfig, untied.tokenEmbedding(), untied.layers(), untied.finalNorm(), untied.output()));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LlamaWeights(GQA, untied.tokenEmbedding(), untied.layers(), untied.finalNorm(), null));
    }

    @Test
    void randomWeightsGiveDistinctWellSpreadLogits() {
        var reference = new LlamaReference(RandomLlama.create(GQA, 10), RopeStyle.INTERLEAVED);
        var a = reference.logits(new int[] {1})[0];
        var b = reference.logits(new int[] {2})[0];
        assertTrue(maxAbsDifference(a, b) > 0.3, "different tokens give nearly the same logits");
        double mean = 0;
        for (float v : a) {
            mean += v;
        }
        mean /= a.length;
        double variance = 0;
        for (float v : a) {
            variance += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(variance / a.length);
        assertTrue(std > 0.3 && std < 10, "logit spread " + std);
    }

    @Test
    void sameSeedSameWeights() {
        var a = RandomLlama.create(GQA, 11);
        var b = RandomLlama.create(GQA, 11);
        var c = RandomLlama.create(GQA, 12);
        assertArrayEquals(a.layers().get(1).wDown(), b.layers().get(1).wDown());
        assertTrue(!Arrays.equals(a.layers().get(1).wDown(), c.layers().get(1).wDown()));
    }

    @Test
    void rejectsTokensOutsideVocabularyAndContext() {
        var reference = new LlamaReference(RandomLlama.create(GQA.withContextLength(3), 13), RopeStyle.HALF);
        assertThrows(IllegalArgumentException.class, () -> reference.logits(new int[] {GQA.vocabSize()}));
        assertThrows(IllegalArgumentException.class, () -> reference.logits(new int[] {-1}));
        assertThrows(IllegalStateException.class, () -> reference.logits(new int[] {1, 2, 3, 4}));
        var session = reference.newSession();
        session.nextAll(1, 2, 3);
        assertThrows(IllegalStateException.class, () -> session.next(4));
    }

    @Test
    void configValidation() {
        assertEquals(8, GQA.headDim());
        assertEquals(16, GQA.kvDim());
        assertEquals(2, GQA.groupSize());
        assertThrows(IllegalArgumentException.class, () -> GQA.withKvHeads(3));
        assertThrows(
                IllegalArgumentException.class,
                () -> new LlamaConfig(10, 30, 1, 4, 4, 8, 8, 10000f, 1e-5f, false)); // 30 % 4 != 0
        assertThrows(
                IllegalArgumentException.class,
                () -> new LlamaConfig(10, 12, 1, 4, 4, 8, 8, 10000f, 1e-5f, false)); // odd head width 3
        assertThrows(IllegalArgumentException.class, () -> new LlamaConfig(10, 16, 1, 4, 4, 8, 8, 0f, 1e-5f, false));
        assertThrows(
                IllegalArgumentException.class, () -> new LlamaConfig(10, 16, 0, 4, 4, 8, 8, 10000f, 1e-5f, false));
    }

    /** The MHA model in which head h has its own copy of KV head h / groupSize. */
    private static LlamaWeights repeatKvHeads(LlamaWeights gqa) {
        var config = gqa.config();
        int rowsPerHead = config.headDim() * config.dim();
        var layers = gqa.layers().stream()
                .map(l -> new LlamaWeights.Layer(
                        l.attnNorm(),
                        l.wq(),
                        repeatHeads(l.wk(), config, rowsPerHead),
                        repeatHeads(l.wv(), config, rowsPerHead),
                        l.wo(),
                        l.ffnNorm(),
                        l.wGate(),
                        l.wUp(),
                        l.wDown()))
                .toList();
        return new LlamaWeights(
                config.withKvHeads(config.heads()), gqa.tokenEmbedding(), layers, gqa.finalNorm(), gqa.output());
    }

    private static float[] repeatHeads(float[] kv, LlamaConfig config, int headSize) {
        var out = new float[config.heads() * headSize];
        for (int head = 0; head < config.heads(); head++) {
            System.arraycopy(kv, (head / config.groupSize()) * headSize, out, head * headSize, headSize);
        }
        return out;
    }
}
