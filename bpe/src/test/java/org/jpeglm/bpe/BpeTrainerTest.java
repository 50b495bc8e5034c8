package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class BpeTrainerTest {
    private static final int A = 'a';
    private static final int B = 'b';

    private static List<byte[]> corpus(String... streams) {
        List<byte[]> out = new ArrayList<>();
        for (String s : streams) {
            out.add(s.getBytes(StandardCharsets.US_ASCII));
        }
        return out;
    }

    private static List<TokenPair> pairs(int... ids) {
        List<TokenPair> out = new ArrayList<>();
        for (int i = 0; i < ids.length; i += 2) {
            out.add(new TokenPair(ids[i], ids[i + 1]));
        }
        return out;
    }

    /*
     * "aaaa" "abab" "ab": counts (a,a)=3 (overlapping windows), (a,b)=2+1=3, (b,a)=1.
     * 1. tie at 3: (97,97) < (97,98), so a a -> 256; "aaaa" becomes [aa aa].
     * 2. (a,b)=3 -> 257; "abab" becomes [ab ab], "ab" becomes [ab].
     * 3. tie at 1: (256,256) < (257,257) -> 258 "aaaa".
     * 4. (257,257) -> 259 "abab". Then no pair is left.
     */
    @Test
    void learnsTheHandComputedMerges() {
        List<byte[]> corpus = corpus("aaaa", "abab", "ab");
        BpeTokenizer t = BpeTrainer.defaults().withMergeCount(10).train(corpus);
        assertEquals(pairs(A, A, A, B, 256, 256, 257, 257), t.merges());
        assertEquals(262, t.vocabSize());
        assertEquals(260, t.bosId());
        assertEquals(261, t.eosId());
        assertArrayEquals(new int[] {258}, t.encode(corpus.get(0)));
        assertArrayEquals(new int[] {259}, t.encode(corpus.get(1)));
    }

    @Test
    void stopsAtTheMergeCountOrBelowTheMinimumFrequency() {
        List<byte[]> corpus = corpus("aaaa", "abab", "ab");
        assertEquals(pairs(A, A), BpeTrainer.defaults().withMergeCount(1).learnMerges(corpus));
        assertEquals(
                pairs(A, A, A, B), BpeTrainer.defaults().withMinFrequency(2).learnMerges(corpus));
        assertEquals(List.of(), BpeTrainer.defaults().withMergeCount(0).learnMerges(corpus));
        assertEquals(List.of(), BpeTrainer.defaults().learnMerges(corpus("", "x")));
    }

    @Test
    void repeatedStreamsCountEveryTime() {
        // (c,d) twice beats (a,b) once although (a,b) is the smaller pair.
        assertEquals(pairs('c', 'd', A, B), BpeTrainer.defaults().learnMerges(corpus("cd", "ab", "cd")));
    }

    @Test
    void tiesGoToTheSmallestPair() {
        assertEquals(pairs(A, B, B, A), BpeTrainer.defaults().learnMerges(corpus("ba", "ab")));
    }

    /*
     * Ties are broken in HF's id order, not by byte value: HF numbers the bytes by their GPT-2 chars, in
     * which 'a' (U+0061) and 0xFF ('ÿ', U+00FF) come before space (0x20 -> 'Ġ', U+0120) and 0x00 (U+0100).
     * HF tokenizers 0.23.2 (npm) trained on the files "aĠ" and "Ġa" gives merges [["a","Ġ"],["Ġ","a"]].
     */
    @Test
    void tiesFollowHfsByteOrderNotByteValues() {
        List<byte[]> spaces = List.of(new byte[] {' ', 'a'}, new byte[] {'a', ' '});
        assertEquals(pairs(A, ' ', ' ', A), BpeTrainer.defaults().learnMerges(spaces));
        List<byte[]> stuffing = List.of(new byte[] {0x00, (byte) 0xFF}, new byte[] {(byte) 0xFF, 0x00});
        assertEquals(pairs(0xFF, 0x00, 0x00, 0xFF), BpeTrainer.defaults().learnMerges(stuffing));
        // Merged tokens come after every byte in HF's order, so on a tie (0x00, x) beats (ab, x).
        List<byte[]> merged = List.of(
                "ab\0".getBytes(StandardCharsets.ISO_8859_1),
                "ab\0".getBytes(StandardCharsets.ISO_8859_1),
                "\0\0".getBytes(StandardCharsets.ISO_8859_1),
                "\0\0".getBytes(StandardCharsets.ISO_8859_1));
        // (a,b)=2, (b,0)=2, (0,0)=2: 'a' < 'b' < 0x00 in HF order -> (a,b) first; then (ab,0)=2 vs (0,0)=2 -> (0,0).
        assertEquals(pairs(A, B, 0, 0, 256, 0), BpeTrainer.defaults().learnMerges(merged));
    }

    /*
     * Regression (found by matchesTheNaiveTrainer, seed -34): an empty stream that occurs twice became a
     * word of weight 2 starting where the next word starts, and the position -> word lookup could give
     * "ba" that weight, so (b,a) counted 2 and beat (a,b). Empty streams hold no pair: (a,b) and (b,a)
     * both count 1 and the tie goes to (a,b).
     */
    @Test
    void emptyStreamsLendNoWeightToTheirNeighbours() {
        assertEquals(pairs(A, B, B, A), BpeTrainer.defaults().learnMerges(corpus("x", "", "", "ba", "ab")));
        assertEquals(pairs(A, B, B, A), BpeTrainer.defaults().learnMerges(corpus("", "", "", "ba", "", "ab")));
        // A repeated non-empty stream still counts every time.
        assertEquals(pairs(B, A, A, B), BpeTrainer.defaults().learnMerges(corpus("x", "", "ba", "ba", "ab")));
    }

    @Test
    void isDeterministicAndIndependentOfStreamOrder() {
        List<byte[]> streams = JpegLikeStreams.generate(7, 120);
        BpeTrainer trainer = BpeTrainer.defaults();
        List<TokenPair> first = trainer.learnMerges(streams);
        assertEquals(first, trainer.learnMerges(streams));
        List<byte[]> shuffled = new ArrayList<>(streams);
        Collections.shuffle(shuffled, new Random(1));
        assertEquals(first, trainer.learnMerges(shuffled));
    }

    @Test
    void trainsJpegLmSizedTokenizers() {
        List<byte[]> streams = JpegLikeStreams.generate(11, 200);
        BpeTokenizer t = BpeTrainer.defaults().train(streams);
        assertEquals(320, t.mergeCount());
        assertEquals(t.vocabSize() - 2, t.bosId());
        assertEquals(t.vocabSize() - 1, t.eosId());
        for (int r = 0; r < t.mergeCount(); r++) {
            assertTrue(t.mergeResult(r) <= 256 + r);
        }
        long bytes = 0;
        long tokens = 0;
        for (byte[] s : streams) {
            int[] ids = t.encode(s);
            assertArrayEquals(s, t.decode(ids));
            bytes += s.length;
            tokens += ids.length;
        }
        assertTrue(tokens < bytes, tokens + " tokens for " + bytes + " bytes");
    }

    @Test
    void rejectsNegativeSettings() {
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.defaults().withMergeCount(-1));
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.defaults().withMinFrequency(-1));
    }

    @Property(tries = 300)
    void matchesTheNaiveTrainer(@ForAll long seed) {
        Random rnd = new Random(seed);
        byte[] alphabet = RandomTables.alphabet(rnd);
        List<byte[]> corpus = new ArrayList<>();
        int streams = 1 + rnd.nextInt(12);
        for (int i = 0; i < streams; i++) {
            corpus.add(RandomTables.input(rnd, alphabet, 40));
            if (rnd.nextInt(4) == 0) {
                corpus.add(corpus.get(rnd.nextInt(corpus.size())));
            }
        }
        int merges = rnd.nextInt(30);
        long minFrequency = rnd.nextInt(3);
        assertEquals(
                NaiveTrainer.learn(corpus, merges, minFrequency),
                new BpeTrainer(merges, minFrequency, null, null).learnMerges(corpus));
    }
}
