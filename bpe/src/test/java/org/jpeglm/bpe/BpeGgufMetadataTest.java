package org.jpeglm.bpe;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BpeGgufMetadataTest {
    @Test
    void keysAreStable() {
        // Files written with these names must stay readable: change them only with a format bump.
        assertEquals(List.of("jpeglm.bpe.vocab_size", "jpeglm.bpe.byte_ids", "jpeglm.bpe.merges",
                        "jpeglm.bpe.merge_ids", "jpeglm.bpe.special_ids", "jpeglm.bpe.special_tokens",
                        "jpeglm.bpe.bos_id", "jpeglm.bpe.eos_id", "jpeglm.bpe.ignore_merges"),
                Arrays.stream(BpeGgufKey.values()).map(BpeGgufKey::key).toList());
    }

    @Test
    void writesTheDefaultLayoutAsExpected() {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair(0xFF, 0x00), new TokenPair(256, 7)));
        Map<String, Object> m = BpeGgufMetadata.toMetadata(t);
        assertEquals(260, m.get("jpeglm.bpe.vocab_size"));
        assertArrayEquals(new int[]{0xFF, 0x00, 256, 7}, (int[]) m.get("jpeglm.bpe.merges"));
        assertArrayEquals(new int[]{256, 257}, (int[]) m.get("jpeglm.bpe.merge_ids"));
        assertEquals(7, ((int[]) m.get("jpeglm.bpe.byte_ids"))[7]);
        assertArrayEquals(new int[]{258, 259}, (int[]) m.get("jpeglm.bpe.special_ids"));
        assertEquals(List.of("<s>", "</s>"), m.get("jpeglm.bpe.special_tokens"));
        assertEquals(258, m.get("jpeglm.bpe.bos_id"));
        assertEquals(259, m.get("jpeglm.bpe.eos_id"));
        assertFalse(m.containsKey("jpeglm.bpe.ignore_merges"));
        assertEquals(t, BpeGgufMetadata.fromMetadata(m));
    }

    @Test
    void roundTripsATrainedTokenizer() {
        BpeTokenizer t = BpeTrainer.defaults().train(JpegLikeStreams.generate(9, 80));
        BpeTokenizer back = BpeGgufMetadata.fromMetadata(BpeGgufMetadata.toMetadata(t));
        assertEquals(t, back);
        byte[] s = JpegLikeStreams.generate(10, 1).getFirst();
        assertArrayEquals(t.encode(s), back.encode(s));
    }

    @Property(tries = 200)
    void roundTripsAnyLayout(@ForAll long seed) {
        Random rnd = new Random(seed);
        RandomTables.Table table = RandomTables.random(rnd, RandomTables.alphabet(rnd), rnd.nextInt(30), rnd.nextBoolean());
        BpeTokenizer t = table.tokenizer();
        assertEquals(t, BpeGgufMetadata.fromMetadata(BpeGgufMetadata.toMetadata(t)));
    }

    @Test
    void acceptsOtherNumberRepresentations() {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair('a', 'b')), null, "</s>");
        Map<String, Object> m = new HashMap<>(BpeGgufMetadata.toMetadata(t));
        m.put("jpeglm.bpe.vocab_size", 258L);
        m.put("jpeglm.bpe.merges", List.of(97L, 98L));
        m.put("jpeglm.bpe.byte_ids", Arrays.stream((int[]) m.get("jpeglm.bpe.byte_ids")).asLongStream().toArray());
        m.put("jpeglm.bpe.special_tokens", new String[]{"</s>"});
        m.put("some.other.key", "ignored");
        assertEquals(t, BpeGgufMetadata.fromMetadata(m));
    }

    @Test
    void rejectsMissingOrInconsistentValues() {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair('a', 'b')));
        Map<String, Object> good = BpeGgufMetadata.toMetadata(t);
        for (BpeGgufKey key : BpeGgufKey.values()) {
            if (key.required()) {
                Map<String, Object> m = new HashMap<>(good);
                m.remove(key.key());
                assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.fromMetadata(m), key.key());
            }
        }
        assertRejected(good, "jpeglm.bpe.vocab_size", 300);
        assertRejected(good, "jpeglm.bpe.vocab_size", -1);
        assertRejected(good, "jpeglm.bpe.merge_ids", new int[]{5});
        assertRejected(good, "jpeglm.bpe.merges", new int[]{97});
        assertRejected(good, "jpeglm.bpe.bos_id", 5);
        assertRejected(good, "jpeglm.bpe.special_tokens", List.of("<s>"));
        assertRejected(good, "jpeglm.bpe.byte_ids", new int[255]);
        assertRejected(good, "jpeglm.bpe.ignore_merges", "yes");
    }

    private static void assertRejected(Map<String, Object> good, String key, Object value) {
        Map<String, Object> m = new HashMap<>(good);
        m.put(key, value);
        assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.fromMetadata(m), key + "=" + value);
    }

    @Test
    void refusesPiecesNoMergeMakes() {
        List<VocabEntry> vocab = new java.util.ArrayList<>();
        for (int b = 0; b < 256; b++) {
            vocab.add(VocabEntry.piece((byte) b));
        }
        vocab.add(VocabEntry.piece((byte) 1, (byte) 2));
        BpeTokenizer t = BpeTokenizer.of(vocab, List.of(), -1, -1, false);
        assertThrows(IllegalArgumentException.class, () -> BpeGgufMetadata.toMetadata(t));
    }
}
