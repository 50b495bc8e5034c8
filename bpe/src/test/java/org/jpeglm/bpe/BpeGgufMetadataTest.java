package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;
import org.junit.jupiter.api.Test;

class BpeGgufMetadataTest {
    @Test
    void keysAreStable() {
        // Files written with these names must stay readable: change them only with a format bump.
        assertEquals(
                List.of(
                        "jpeglm.bpe.vocab_size",
                        "jpeglm.bpe.byte_ids",
                        "jpeglm.bpe.merges",
                        "jpeglm.bpe.merge_ids",
                        "jpeglm.bpe.special_ids",
                        "jpeglm.bpe.special_tokens",
                        "jpeglm.bpe.bos_id",
                        "jpeglm.bpe.eos_id",
                        "jpeglm.bpe.ignore_merges"),
                Arrays.stream(BpeGgufKey.values()).map(BpeGgufKey::key).toList());
    }

    @Test
    void writesTheDefaultLayoutAsExpected() {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair(0xFF, 0x00), new TokenPair(256, 7)));
        Map<String, GgufValue> m = BpeGgufMetadata.toGguf(t);
        assertEquals(GgufValue.uint32(260), m.get("jpeglm.bpe.vocab_size"));
        assertEquals(GgufValue.array(GgufValueType.INT32, new int[] {0xFF, 0x00, 256, 7}), m.get("jpeglm.bpe.merges"));
        assertEquals(GgufValue.array(GgufValueType.INT32, new int[] {256, 257}), m.get("jpeglm.bpe.merge_ids"));
        assertEquals(7, m.get("jpeglm.bpe.byte_ids").asIntArray()[7]);
        assertEquals(GgufValue.array(GgufValueType.INT32, new int[] {258, 259}), m.get("jpeglm.bpe.special_ids"));
        assertEquals(GgufValue.strings(List.of("<s>", "</s>")), m.get("jpeglm.bpe.special_tokens"));
        assertEquals(GgufValue.uint32(258), m.get("jpeglm.bpe.bos_id"));
        assertEquals(GgufValue.uint32(259), m.get("jpeglm.bpe.eos_id"));
        assertFalse(m.containsKey("jpeglm.bpe.ignore_merges"));
        assertEquals(t, BpeGgufMetadata.fromGguf(m));
    }

    @Test
    void everyKeyIsWrittenWithItsDeclaredType() {
        BpeTokenizer base = BpeTokenizer.fromMerges(List.of(new TokenPair('a', 'b')));
        BpeTokenizer t = BpeTokenizer.of(base.vocabulary(), base.merges(), base.bosId(), base.eosId(), true);
        Map<String, GgufValue> m = BpeGgufMetadata.toGguf(t);
        assertEquals(Arrays.stream(BpeGgufKey.values()).map(BpeGgufKey::key).toList(), List.copyOf(m.keySet()));
        for (BpeGgufKey key : BpeGgufKey.values()) {
            assertEquals(key.type(), m.get(key.key()).type(), key.key());
            assertEquals(key.elementType(), m.get(key.key()).elementType(), key.key());
        }
        assertEquals(t, BpeGgufMetadata.fromGguf(m));
    }

    @Test
    void roundTripsATrainedTokenizer() {
        BpeTokenizer t = BpeTrainer.defaults().train(JpegLikeStreams.generate(9, 80));
        BpeTokenizer back = BpeGgufMetadata.fromGguf(BpeGgufMetadata.toGguf(t));
        assertEquals(t, back);
        byte[] s = JpegLikeStreams.generate(10, 1).getFirst();
        assertArrayEquals(t.encode(s), back.encode(s));
    }

    @Property(tries = 200)
    void roundTripsAnyLayout(@ForAll long seed) {
        Random rnd = new Random(seed);
        RandomTables.Table table =
                RandomTables.random(rnd, RandomTables.alphabet(rnd), rnd.nextInt(30), rnd.nextBoolean());
        BpeTokenizer t = table.tokenizer();
        assertEquals(t, BpeGgufMetadata.fromGguf(BpeGgufMetadata.toGguf(t)));
    }

    @Test
    void acceptsOtherIntegerTypes() {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair('a', 'b')), null, "</s>");
        Map<String, GgufValue> m = new HashMap<>(BpeGgufMetadata.toGguf(t));
        m.put("jpeglm.bpe.vocab_size", GgufValue.int64(258));
        m.put("jpeglm.bpe.merges", GgufValue.array(GgufValueType.UINT32, new long[] {97, 98}));
        m.put(
                "jpeglm.bpe.byte_ids",
                GgufValue.array(
                        GgufValueType.INT64, m.get("jpeglm.bpe.byte_ids").asLongArray()));
        m.put("jpeglm.bpe.eos_id", GgufValue.uint16(257));
        m.put("some.other.key", GgufValue.string("ignored"));
        assertEquals(t, BpeGgufMetadata.fromGguf(m));
    }

    @Test
    void rejectsMissingOrInconsistentValues() {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair('a', 'b')));
        Map<String, GgufValue> good = BpeGgufMetadata.toGguf(t);
        for (BpeGgufKey key : BpeGgufKey.values()) {
            if (key.required()) {
                Map<String, GgufValue> m = new HashMap<>(good);
                m.remove(key.key());
                IllegalArgumentException e =
                        assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.fromGguf(m), key.key());
                assertTrue(e.getMessage().contains(key.key() + " is missing"), e.getMessage());
            }
        }
        assertRejected(good, "jpeglm.bpe.vocab_size", GgufValue.uint32(300));
        assertRejected(good, "jpeglm.bpe.vocab_size", GgufValue.int32(-1));
        assertRejected(good, "jpeglm.bpe.vocab_size", GgufValue.uint64(-1));
        assertRejected(good, "jpeglm.bpe.vocab_size", GgufValue.float32(258));
        assertRejected(good, "jpeglm.bpe.merge_ids", GgufValue.array(GgufValueType.INT32, new int[] {5}));
        assertRejected(good, "jpeglm.bpe.merges", GgufValue.array(GgufValueType.INT32, new int[] {97}));
        assertRejected(good, "jpeglm.bpe.merges", GgufValue.strings(List.of("a b")));
        assertRejected(good, "jpeglm.bpe.merges", GgufValue.array(GgufValueType.INT64, new long[] {97, 1L << 40}));
        assertRejected(good, "jpeglm.bpe.bos_id", GgufValue.uint32(5));
        assertRejected(good, "jpeglm.bpe.special_tokens", GgufValue.strings(List.of("<s>")));
        assertRejected(good, "jpeglm.bpe.special_tokens", GgufValue.array(GgufValueType.INT32, new int[] {1, 2}));
        assertRejected(good, "jpeglm.bpe.byte_ids", GgufValue.array(GgufValueType.INT32, new int[255]));
        assertRejected(good, "jpeglm.bpe.ignore_merges", GgufValue.string("yes"));
    }

    private static void assertRejected(Map<String, GgufValue> good, String key, GgufValue value) {
        Map<String, GgufValue> m = new HashMap<>(good);
        m.put(key, value);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.fromGguf(m), key + "=" + value);
        assertTrue(e.getMessage().contains("GGUF tokenizer metadata"), e.getMessage());
    }

    @Test
    void refusesPiecesNoMergeMakes() {
        List<VocabEntry> vocab = new java.util.ArrayList<>();
        for (int b = 0; b < 256; b++) {
            vocab.add(VocabEntry.piece((byte) b));
        }
        vocab.add(VocabEntry.piece((byte) 1, (byte) 2));
        BpeTokenizer t = BpeTokenizer.of(vocab, List.of(), -1, -1, false);
        assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.toGguf(t));
    }
}
