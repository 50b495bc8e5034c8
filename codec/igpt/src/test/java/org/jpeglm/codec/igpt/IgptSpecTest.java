package org.jpeglm.codec.igpt;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.bpe.TokenPair;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;
import org.junit.jupiter.api.Test;

class IgptSpecTest {
    private static final IgptProfile PROFILE = IgptProfile.fashionMnist(16);

    private static BpeTokenizer merged(int k) {
        return BpeTokenizer.fromMerges(k, List.of(new TokenPair(0, 0), new TokenPair(k, k)), "<s>", "</s>");
    }

    @Test
    void igptIsOneTokenAPixelWithBosAndEosAfterTheSymbols() {
        IgptSpec spec = IgptSpec.igpt(PROFILE);
        assertEquals(IgptSpec.IGPT, spec.codec());
        assertEquals(18, spec.tokenizer().vocabSize());
        assertEquals(16, spec.tokenizer().bosId());
        assertEquals(17, spec.tokenizer().eosId());
        assertEquals(IgptSpec.BPE_IGPT, new IgptSpec(PROFILE, merged(16)).codec());
    }

    @Test
    void writesTheKeysInAStableOrder() {
        Map<String, GgufValue> m = IgptSpec.igpt(PROFILE).toGguf();
        assertEquals(
                List.of(
                        "jpeglm.format_version",
                        "jpeglm.codec",
                        "jpeglm.igpt.width",
                        "jpeglm.igpt.height",
                        "jpeglm.igpt.channels",
                        "jpeglm.igpt.palette",
                        "jpeglm.igpt.order"),
                new ArrayList<>(m.keySet()).subList(0, 7));
        assertTrue(m.keySet().stream().skip(7).allMatch(k -> k.startsWith("jpeglm.bpe.")));
        assertEquals(GgufValue.string("igpt"), m.get("jpeglm.codec"));
        assertEquals(GgufValue.uint32(28), m.get("jpeglm.igpt.width"));
        assertEquals(GgufValueType.UINT8, m.get("jpeglm.igpt.palette").elementType());
        assertArrayEquals(
                new long[] {0, 17, 34, 51, 68, 85, 102, 119, 136, 153, 170, 187, 204, 221, 238, 255},
                m.get("jpeglm.igpt.palette").asLongArray());
        assertEquals(GgufValue.string("raster"), m.get("jpeglm.igpt.order"));
    }

    @Test
    void roundTripsThroughGguf() {
        for (IgptSpec spec : List.of(
                IgptSpec.igpt(PROFILE),
                new IgptSpec(PROFILE, merged(16)),
                IgptSpec.igpt(new IgptProfile(8, 4, Palette.of(3, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9}))))) {
            assertEquals(spec, IgptSpec.fromGguf(spec.toGguf()));
            assertTrue(IgptSpec.isIgpt(spec.toGguf()));
        }
        List<byte[]> corpus = List.of(new byte[] {0, 0, 1, 1, 0, 0, 1, 1}, new byte[] {1, 1, 0, 0});
        IgptSpec trained = new IgptSpec(
                new IgptProfile(4, 2, Palette.gray(2)),
                BpeTrainer.defaults().withAlphabet(2).withMergeCount(3).train(corpus));
        assertEquals(trained, IgptSpec.fromGguf(trained.toGguf()));
    }

    @Test
    void refusesATokenizerThatDoesNotFitThePalette() {
        assertThrows(IllegalArgumentException.class, () -> new IgptSpec(PROFILE, merged(8)), "alphabet 8, K 16");
        assertThrows(
                IllegalArgumentException.class,
                () -> new IgptSpec(PROFILE, BpeTokenizer.fromMerges(List.of())),
                "byte-level: 256 symbols");
        assertThrows(
                IllegalArgumentException.class,
                () -> new IgptSpec(PROFILE, BpeTokenizer.fromMerges(16, List.of(), null, "</s>")),
                "no BOS");
    }

    @Test
    void refusesBadKeysNamingThem() {
        Map<String, GgufValue> good = IgptSpec.igpt(PROFILE).toGguf();
        assertRejected(good, "jpeglm.codec", GgufValue.string("bpe-igpt"), "merges");
        assertRejected(good, "jpeglm.codec", GgufValue.string("jpeg"), "jpeglm.codec");
        assertRejected(good, "jpeglm.igpt.order", GgufValue.string("hilbert"), "jpeglm.igpt.order");
        assertRejected(good, "jpeglm.igpt.channels", GgufValue.uint32(3), "palette");
        assertRejected(good, "jpeglm.igpt.width", GgufValue.uint32(0), "igpt profile");
        assertRejected(good, "jpeglm.igpt.width", GgufValue.string("28"), "jpeglm.igpt.width");
        assertRejected(
                good, "jpeglm.igpt.palette", GgufValue.array(GgufValueType.INT32, new int[] {0, 300}), "palette");
        assertRejected(
                good, "jpeglm.igpt.palette", GgufValue.array(GgufValueType.UINT8, new long[] {0, 255}), "alphabet");
        assertRejected(good, "jpeglm.format_version", GgufValue.uint32(2), "version 2");
        for (String key : List.of("jpeglm.igpt.height", "jpeglm.igpt.palette", "jpeglm.codec")) {
            Map<String, GgufValue> m = new HashMap<>(good);
            m.remove(key);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IgptSpec.fromGguf(m));
            assertTrue(e.getMessage().contains("lacks '" + key + "'"), e.getMessage());
        }
    }

    private static void assertRejected(Map<String, GgufValue> good, String key, GgufValue value, String named) {
        Map<String, GgufValue> m = new HashMap<>(good);
        m.put(key, value);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IgptSpec.fromGguf(m));
        assertTrue(e.getMessage().contains(named), key + "=" + value + ": " + e.getMessage());
    }
}
