package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class BpeTokenizerTest {
    private static final int A = 'a';
    private static final int B = 'b';
    private static final int C = 'c';

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** ab=256, abc=257, cc=258, BOS=259, EOS=260. */
    private static BpeTokenizer abc() {
        return BpeTokenizer.fromMerges(List.of(new TokenPair(A, B), new TokenPair(256, C), new TokenPair(C, C)));
    }

    private static List<VocabEntry> bytePieces() {
        List<VocabEntry> vocab = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            vocab.add(VocabEntry.piece((byte) b));
        }
        return vocab;
    }

    @Test
    void defaultLayoutPutsMergesAfterBytesAndSpecialsLast() {
        BpeTokenizer t = abc();
        assertEquals(261, t.vocabSize());
        assertEquals(3, t.mergeCount());
        assertEquals(259, t.bosId());
        assertEquals(260, t.eosId());
        assertEquals(257, t.mergeResult(1));
        assertArrayEquals(ascii("abc"), t.tokenBytes(257));
        assertEquals(3, t.tokenLength(257));
        assertEquals(0, t.tokenLength(259));
        assertEquals(new VocabEntry.Special("<s>"), t.entry(259));
        assertTrue(t.isSpecial(260));
        assertFalse(t.isSpecial(258));
        assertEquals(257, t.pieceId(ascii("abc")));
        assertEquals(BpeTokenizer.NO_TOKEN, t.pieceId(ascii("bc")));
        assertEquals(A, t.byteTokenId(A));
        assertEquals(1, t.mergeRank(256, C));
        assertEquals(-1, t.mergeRank(C, 256));
        assertTrue(t.usesBucketEngine());
    }

    @Test
    void mergesEveryOccurrenceInRankOrder() {
        // a b c a b c c -> ab c ab c c -> abc abc c: (c, c) lost its left c to abc.
        assertArrayEquals(new int[] {257, 257, C}, abc().encode(ascii("abcabcc")));
        assertArrayEquals(new int[] {258, 258, C}, abc().encode(ascii("ccccc")));
    }

    @Test
    void lowerRankWinsOverLeftmost() {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair(B, C), new TokenPair(A, B)));
        assertArrayEquals(new int[] {A, 256}, t.encode(ascii("abc")));
        assertArrayEquals(new int[] {257, 257}, t.encode(ascii("abab")));
    }

    @Test
    void overlappingSelfPairsMergeLeftmostFirst() {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair(A, A), new TokenPair(256, 256)));
        assertArrayEquals(new int[] {256, A}, t.encode(ascii("aaa")));
        assertArrayEquals(new int[] {257, A}, t.encode(ascii("aaaaa")));
        assertArrayEquals(new int[] {257, 256}, t.encode(ascii("aaaaaa")));
    }

    @Test
    void tableWhereAMergeUsesALaterMergeUsesTheGeneralEngine() {
        List<VocabEntry> vocab = bytePieces();
        vocab.add(VocabEntry.piece(ascii("ab"))); // 256
        vocab.add(VocabEntry.piece(ascii("abc"))); // 257
        BpeTokenizer t = BpeTokenizer.of(
                vocab,
                List.of(new TokenPair(256, C), new TokenPair(A, B)),
                BpeTokenizer.NO_TOKEN,
                BpeTokenizer.NO_TOKEN,
                false);
        assertFalse(t.usesBucketEngine());
        // Rank 1 makes ab, which then has a rank-0 merge with c.
        assertArrayEquals(new int[] {257}, t.encode(ascii("abc")));
        assertArrayEquals(new int[] {257}, NaiveBpe.of(t).lowestRankFirst(ascii("abc")));
        assertArrayEquals(new int[] {256, C}, NaiveBpe.of(t).mergesInRankOrder(ascii("abc")));
    }

    @Test
    void bosAndEosAreAddedOnRequestAndSkippedByDecode() {
        BpeTokenizer t = abc();
        assertArrayEquals(new int[] {259, 256, 260}, t.encode(ascii("ab"), true, true));
        assertArrayEquals(new int[] {259}, t.encode(new byte[0], true, false));
        assertArrayEquals(new int[0], t.encode(new byte[0]));
        assertArrayEquals(ascii("abcc"), t.decode(new int[] {259, 257, C, 260}));
        assertArrayEquals(new byte[0], t.decode(new int[0]));
        BpeTokenizer none = BpeTokenizer.fromMerges(List.of(), null, null);
        assertEquals(256, none.vocabSize());
        assertThrows(IllegalStateException.class, () -> none.encode(ascii("a"), true, false));
    }

    @Test
    void encodesASlice() {
        assertArrayEquals(new int[] {B, 258}, abc().encode(ascii("xabcc!"), 2, 3, false, false));
        assertThrows(IndexOutOfBoundsException.class, () -> abc().encode(ascii("ab"), 1, 2, false, false));
    }

    @Test
    void decodeRejectsUnknownIds() {
        assertThrows(IllegalArgumentException.class, () -> abc().decode(new int[] {261}));
        assertThrows(IllegalArgumentException.class, () -> abc().decode(new int[] {-1}));
    }

    @Test
    void ignoreMergesTakesAWholeInputThatIsAPiece() {
        List<VocabEntry> vocab = bytePieces();
        vocab.add(VocabEntry.piece(ascii("bc"))); // 256
        vocab.add(VocabEntry.piece(ascii("ab"))); // 257
        vocab.add(VocabEntry.piece(ascii("abc"))); // 258, which no merge makes
        List<TokenPair> merges = List.of(new TokenPair(B, C), new TokenPair(A, B));
        BpeTokenizer plain = BpeTokenizer.of(vocab, merges, -1, -1, false);
        BpeTokenizer ignoring = BpeTokenizer.of(vocab, merges, -1, -1, true);
        assertArrayEquals(new int[] {A, 256}, plain.encode(ascii("abc")));
        assertArrayEquals(new int[] {258}, ignoring.encode(ascii("abc")));
        assertArrayEquals(new int[] {A, 256, A, 256}, ignoring.encode(ascii("abcabc")));
    }

    @Test
    void rejectsInvalidTables() {
        // A default-layout merge must only use ids made before it.
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.fromMerges(List.of(new TokenPair(256, A))));
        // The same pair twice.
        assertThrows(
                IllegalArgumentException.class,
                () -> BpeTokenizer.fromMerges(List.of(new TokenPair(A, B), new TokenPair(A, B))));
        // A byte without a piece is outside the alphabet (SmallAlphabetTest), but no piece may hold it.
        List<VocabEntry> missingByte = new ArrayList<>(bytePieces().subList(0, 255));
        assertEquals(255, BpeTokenizer.of(missingByte, List.of(), -1, -1, false).alphabetSize());
        missingByte.add(VocabEntry.piece((byte) 1, (byte) 255));
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.of(missingByte, List.of(), -1, -1, false));
        List<VocabEntry> duplicate = bytePieces();
        duplicate.add(VocabEntry.piece((byte) 7));
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.of(duplicate, List.of(), -1, -1, false));
        List<VocabEntry> vocab = bytePieces();
        vocab.add(VocabEntry.special("<s>")); // 256
        assertThrows(
                IllegalArgumentException.class,
                () -> BpeTokenizer.of(vocab, List.of(new TokenPair(A, B)), -1, -1, false),
                "ab is not in the vocab");
        assertThrows(
                IllegalArgumentException.class,
                () -> BpeTokenizer.of(vocab, List.of(new TokenPair(A, 256)), -1, -1, false),
                "merge uses a special");
        assertThrows(
                IllegalArgumentException.class,
                () -> BpeTokenizer.of(vocab, List.of(), A, -1, false),
                "BOS is a piece");
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.of(vocab, List.of(), 257, -1, false));
        assertEquals(256, BpeTokenizer.of(vocab, List.of(), 256, -1, false).bosId());
    }

    @Test
    void equalTokenizersAreEqual() {
        assertEquals(abc(), abc());
        assertEquals(abc().hashCode(), abc().hashCode());
        assertFalse(abc().equals(BpeTokenizer.fromMerges(List.of(new TokenPair(A, B)))));
    }

    @Test
    void concurrentEncodingGivesTheSequentialResult() throws Exception {
        BpeTokenizer t = BpeTrainer.defaults().withMergeCount(100).train(JpegLikeStreams.generate(1, 50));
        List<byte[]> streams = JpegLikeStreams.generate(2, 40);
        List<int[]> expected = streams.stream().map(t::encode).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int worker = 0; worker < 4; worker++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 5; round++) {
                        for (int i = 0; i < streams.size(); i++) {
                            if (!java.util.Arrays.equals(expected.get(i), t.encode(streams.get(i)))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        }
    }

    @Test
    void inputsLargerThanTheRetainedScratchAgreeWithTheGeneralEngine() {
        BpeTokenizer t = BpeTrainer.defaults().train(JpegLikeStreams.generate(3, 100));
        java.io.ByteArrayOutputStream big = new java.io.ByteArrayOutputStream();
        for (byte[] s : JpegLikeStreams.generate(4, 400)) {
            big.writeBytes(s);
        }
        byte[] input = big.toByteArray();
        assertTrue(input.length > MergeEngine.RETAINED_SCRATCH_BYTES, "input is " + input.length + " bytes");
        int[] ids = t.encode(input);
        assertArrayEquals(new HeapMergeEngine(t.rules()).encode(input, 0, input.length, -1, -1), ids);
        assertArrayEquals(input, t.decode(ids));
    }
}
