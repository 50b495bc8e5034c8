package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;
import org.junit.jupiter.api.Test;

/** Tokenizers over fewer than 256 bytes (igpt's K palette indices), and that the 256-byte layout is unchanged. */
class SmallAlphabetTest {

    /** Symbols 0..3; 01=4, 0101=5, 22=6, BOS=7, EOS=8. */
    private static BpeTokenizer four() {
        return BpeTokenizer.fromMerges(
                4, List.of(new TokenPair(0, 1), new TokenPair(4, 4), new TokenPair(2, 2)), "<s>", "</s>");
    }

    @Test
    void theLayoutPutsMergesAfterTheAlphabet() {
        BpeTokenizer t = four();
        assertEquals(4, t.alphabetSize());
        assertEquals(9, t.vocabSize());
        assertEquals(7, t.bosId());
        assertEquals(8, t.eosId());
        for (int b = 0; b < 4; b++) {
            assertEquals(b, t.byteTokenId(b));
        }
        assertEquals(BpeTokenizer.NO_TOKEN, t.byteTokenId(4));
        assertEquals(BpeTokenizer.NO_TOKEN, t.byteTokenId(255));
        byte[] s = {0, 1, 0, 1, 2, 2, 3, 0, 1};
        assertArrayEquals(new int[] {7, 5, 6, 3, 4, 8}, t.encode(s, true, true));
        assertArrayEquals(s, t.decode(t.encode(s)));
    }

    @Test
    void noMergesIsOneTokenPerSymbol() {
        BpeTokenizer t = BpeTokenizer.fromMerges(16, List.of(), "<s>", "</s>");
        assertEquals(18, t.vocabSize());
        assertEquals(16, t.bosId());
        assertArrayEquals(new int[] {16, 15, 0, 9, 17}, t.encode(new byte[] {15, 0, 9}, true, true));
    }

    @Test
    void encodeNamesAByteOutsideTheAlphabet() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> four().encode(new byte[] {0, 1, 3, 4, 0}));
        assertTrue(e.getMessage().contains("byte 4 at offset 3"), e.getMessage());
        assertTrue(e.getMessage().contains("alphabet of 4 bytes"), e.getMessage());
        byte[] wrapped = {9, 9, 0, 1, 9};
        assertArrayEquals(new int[] {4}, four().encode(wrapped, 2, 2, false, false), "only the slice is checked");
    }

    @Test
    void fullAlphabetIsTheByteLevelLayoutUnchanged() {
        List<TokenPair> merges = List.of(new TokenPair('a', 'b'), new TokenPair(256, 'c'));
        assertEquals(BpeTokenizer.fromMerges(merges), BpeTokenizer.fromMerges(256, merges, "<s>", "</s>"));
        assertEquals(256, BpeTokenizer.fromMerges(merges).alphabetSize());
        List<byte[]> corpus = JpegLikeStreams.generate(3, 60);
        assertEquals(
                BpeTrainer.defaults().train(corpus),
                BpeTrainer.defaults().withAlphabet(256).train(corpus));
        assertEquals(
                new BpeTrainer(320, 2, "<s>", "</s>"), new BpeTrainer(320, 2, "<s>", "</s>", 256), "default alphabet");
    }

    @Test
    void refusesBadAlphabets() {
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.fromMerges(0, List.of(), null, null));
        assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.fromMerges(257, List.of(), null, null));
        assertThrows(
                IllegalArgumentException.class,
                () -> BpeTokenizer.fromMerges(4, List.of(new TokenPair(0, 4)), null, null),
                "id 4 is not made yet");
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.defaults().withAlphabet(0));
        assertThrows(IllegalArgumentException.class, () -> BpeTrainer.defaults().withAlphabet(257));
        IllegalArgumentException empty = assertThrows(
                IllegalArgumentException.class,
                () -> BpeTokenizer.of(List.of(VocabEntry.special("<s>")), List.of(), 0, -1, false));
        assertTrue(empty.getMessage().contains("alphabet is empty"), empty.getMessage());
        List<VocabEntry> vocab = List.of(VocabEntry.piece((byte) 0), VocabEntry.piece((byte) 0, (byte) 7));
        IllegalArgumentException outside =
                assertThrows(IllegalArgumentException.class, () -> BpeTokenizer.of(vocab, List.of(), -1, -1, false));
        assertTrue(outside.getMessage().contains("holds byte 7"), outside.getMessage());
    }

    @Test
    void anyLayoutMayHaveAnyAlphabet() {
        // Bytes 3 and 200 at ids 2 and 0, their merge at 1, EOS at 3.
        List<VocabEntry> vocab = List.of(
                VocabEntry.piece((byte) 200),
                VocabEntry.piece((byte) 3, (byte) 200),
                VocabEntry.piece((byte) 3),
                VocabEntry.special("</s>"));
        BpeTokenizer t = BpeTokenizer.of(vocab, List.of(new TokenPair(2, 0)), -1, 3, false);
        assertEquals(2, t.alphabetSize());
        assertArrayEquals(
                new int[] {0, 1, 1, 3}, t.encode(new byte[] {(byte) 200, 3, (byte) 200, 3, (byte) 200}, false, true));
        assertEquals(t, BpeGgufMetadata.fromGguf(BpeGgufMetadata.toGguf(t)));
        assertEquals(t, HfTokenizerJson.parse(HfTokenizerJson.toJsonString(t), null, "</s>"));
    }

    @Test
    void trainerRefusesAByteOutsideTheAlphabet() {
        List<byte[]> corpus = List.of(new byte[] {0, 1, 2}, new byte[] {1, 2, 8, 1});
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> BpeTrainer.defaults().withAlphabet(8).train(corpus));
        assertTrue(e.getMessage().contains("stream 1 holds byte 8 at 2"), e.getMessage());
        assertEquals(
                9,
                BpeTrainer.defaults()
                        .withAlphabet(9)
                        .withMergeCount(0)
                        .train(corpus)
                        .alphabetSize());
    }

    /**
     * The trainer over K symbols learns what the byte-level trainer learns on the same corpus, merged ids moved
     * down by 256-K; both tokenizers encode every stream to the same ids under that map.
     */
    @Property(tries = 60)
    void learnsTheByteLevelMergesRenumbered(
            @ForAll long seed, @ForAll @IntRange(min = 2, max = 24) int k, @ForAll @IntRange(max = 40) int count) {
        List<byte[]> corpus = symbolStreams(new Random(seed), k, 30);
        BpeTokenizer wide = BpeTrainer.defaults().withMergeCount(count).train(corpus);
        BpeTokenizer narrow =
                BpeTrainer.defaults().withMergeCount(count).withAlphabet(k).train(corpus);
        assertEquals(k, narrow.alphabetSize());
        assertEquals(wide.vocabSize() - (256 - k), narrow.vocabSize());
        List<TokenPair> renumbered = wide.merges().stream()
                .map(p -> new TokenPair(down(p.left(), k), down(p.right(), k)))
                .toList();
        assertEquals(renumbered, narrow.merges());
        for (byte[] s : corpus) {
            int[] ids = Arrays.stream(wide.encode(s)).map(id -> down(id, k)).toArray();
            assertArrayEquals(ids, narrow.encode(s));
        }
    }

    private static int down(int id, int k) {
        return id < 256 ? id : id - 256 + k;
    }

    /** Runs of symbols, as quantized pixels are: each symbol repeats a while, then steps a little. */
    private static List<byte[]> symbolStreams(Random rnd, int k, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] s = new byte[rnd.nextInt(60)];
            int v = rnd.nextInt(k);
            for (int j = 0; j < s.length; j++) {
                if (rnd.nextInt(3) == 0) {
                    v = Math.floorMod(v + rnd.nextInt(3) - 1, k);
                }
                s[j] = (byte) v;
            }
            out.add(s);
        }
        return out;
    }

    @Test
    void ggufWritesMinusOneForBytesOutsideTheAlphabet() {
        BpeTokenizer t = four();
        Map<String, GgufValue> m = BpeGgufMetadata.toGguf(t);
        int[] byteIds = m.get("jpeglm.bpe.byte_ids").asIntArray();
        assertEquals(256, byteIds.length);
        assertArrayEquals(new int[] {0, 1, 2, 3, -1}, Arrays.copyOf(byteIds, 5));
        assertTrue(Arrays.stream(byteIds, 4, 256).allMatch(id -> id == -1));
        assertEquals(t, BpeGgufMetadata.fromGguf(m));

        int[] twice = byteIds.clone();
        twice[9] = 2; // byte 9 and byte 2 would share id 2
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.fromGguf(with(m, twice)));
        assertTrue(e.getMessage().contains("gives id 2 to two bytes"), e.getMessage());
        int[] negative = byteIds.clone();
        negative[9] = -2;
        assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.fromGguf(with(m, negative)));
        int[] none = new int[256];
        Arrays.fill(none, -1);
        assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.fromGguf(with(m, none)));
    }

    private static Map<String, GgufValue> with(Map<String, GgufValue> m, int[] byteIds) {
        Map<String, GgufValue> out = new HashMap<>(m);
        out.put("jpeglm.bpe.byte_ids", GgufValue.array(GgufValueType.INT32, byteIds));
        return out;
    }

    @Test
    void tokenizerJsonHoldsOnlyTheAlphabet() {
        BpeTokenizer t = four();
        String json = HfTokenizerJson.toJsonString(t);
        BpeTokenizer back = HfTokenizerJson.parse(json);
        assertEquals(t, back);
        assertEquals(4, back.alphabetSize());
        // The four symbols are GPT-2's chars for bytes 0..3 (U+0100..U+0103); their merges spell them too.
        assertTrue(json.contains("\"\u0100\u0101\" : 4"), json);
        assertTrue(json.contains("\"\u0100\u0101 \u0100\u0101\""), json);
    }
}
