package org.jpeglm.codec.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.gguf.GgufFile;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegTables;
import org.jpeglm.jpeg.Subsampling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JpegLmSpecTest {
    @TempDir
    Path dir;

    static BpeTokenizer tokenizer() {
        byte[] a = "\u00ff\u00d8abcabcabcabd\u00ff\u00d0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return new BpeTrainer(5, 1, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS).train(List.of(a, a));
    }

    static JpegLmSpec spec() {
        // Custom tables (quality 60's) on a quality-25 profile: the file must carry them, not derive them.
        return new JpegLmSpec(new JpegProfile(25, Subsampling.GRAY, 1, 32, 32), JpegTables.forQuality(60), tokenizer());
    }

    static void assertSameSpec(JpegLmSpec expected, JpegLmSpec actual) {
        assertEquals(expected.profile(), actual.profile());
        assertArrayEquals(expected.tables().toTablesOnlyJpeg(), actual.tables().toTablesOnlyJpeg());
        assertEquals(expected.tokenizer(), actual.tokenizer());
    }

    @Test
    void aModelOfAnotherCodecIsRefusedByName() {
        Map<String, GgufValue> video =
                new HashMap<>(JpegLmSpec.of(JpegProfile.PAPER, tokenizer()).toGguf());
        video.put(JpegLmSpec.CODEC_KEY, GgufValue.string("h264"));
        var e = assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(video));
        assertTrue(e.getMessage().contains("h264") && e.getMessage().contains("video model"), e.getMessage());
        video.put(JpegLmSpec.CODEC_KEY, GgufValue.uint32(7));
        e = assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(video));
        assertTrue(e.getMessage().contains("not a string"), e.getMessage());
        video.put(JpegLmSpec.CODEC_KEY, GgufValue.string(JpegLmSpec.CODEC));
        assertEquals(JpegProfile.PAPER, JpegLmSpec.fromMetadata(video).profile());
    }

    @Test
    void roundTripsThroughAGgufFile() throws IOException {
        JpegLmSpec spec = spec();
        Path p = dir.resolve("spec.gguf");
        var w = new org.jpeglm.gguf.GgufWriter().putAll(spec.toGguf());
        w.addTensor("t", GgmlType.F32, new long[] {1}, new float[] {0});
        w.write(p);
        try (GgufFile f = GgufFile.open(p)) {
            Map<String, GgufValue> read = f.metadata();
            assertEquals("gray", read.get(JpegLmSpec.SUBSAMPLING_KEY).asString());
            assertSameSpec(spec, JpegLmSpec.fromMetadata(read));
        }
    }

    @Test
    void withoutTablesTheQualitysTablesAreUsed() {
        JpegLmSpec spec = JpegLmSpec.of(JpegProfile.PAPER, tokenizer());
        Map<String, GgufValue> v = spec.toGguf();
        v.remove(JpegLmSpec.TABLES_KEY);
        assertArrayEquals(
                JpegTables.forQuality(25).toTablesOnlyJpeg(),
                JpegLmSpec.fromMetadata(v).tables().toTablesOnlyJpeg());
    }

    @Test
    void badMetadataIsNamed() {
        Map<String, GgufValue> good = spec().toGguf();
        IllegalArgumentException notJpegLm =
                assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(Map.of()));
        assertTrue(notJpegLm.getMessage().contains("not a Jpeg-LM model"), notJpegLm.getMessage());
        for (String key : List.of(
                JpegLmSpec.QUALITY_KEY, JpegLmSpec.SUBSAMPLING_KEY, JpegLmSpec.WIDTH_KEY, "jpeglm.bpe.merges")) {
            Map<String, GgufValue> m = new HashMap<>(good);
            m.remove(key);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(m), key);
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        Map<String, GgufValue> badSub = new HashMap<>(good);
        badSub.put(JpegLmSpec.SUBSAMPLING_KEY, GgufValue.string("4:1:1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(badSub))
                .getMessage()
                .contains("4:1:1"));
        Map<String, GgufValue> badTables = new HashMap<>(good);
        badTables.put(JpegLmSpec.TABLES_KEY, GgufValue.array(GgufValueType.UINT8, new long[] {0xFF, 0xD8, 0x01}));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(badTables))
                .getMessage()
                .contains(JpegLmSpec.TABLES_KEY));
        Map<String, GgufValue> version = new HashMap<>(good);
        version.put(JpegLmSpec.FORMAT_VERSION_KEY, GgufValue.uint32(2));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(version))
                .getMessage()
                .contains("version 2"));
        assertThrows(
                IllegalArgumentException.class,
                () -> JpegLmSpec.of(JpegProfile.of(25, Subsampling.S420, 1), tokenizer()),
                "a profile without a size");
    }

    @Test
    void valuesOfTheWrongTypeAreNamed() {
        Map<String, GgufValue> good = spec().toGguf();
        Map<String, GgufValue> wrong = Map.of(
                JpegLmSpec.QUALITY_KEY,
                GgufValue.string("25"),
                JpegLmSpec.SUBSAMPLING_KEY,
                GgufValue.uint32(420),
                JpegLmSpec.WIDTH_KEY,
                GgufValue.int32(-32),
                JpegLmSpec.HEIGHT_KEY,
                GgufValue.uint64(-1),
                JpegLmSpec.TABLES_KEY,
                GgufValue.floats(new float[] {255, 216}),
                "jpeglm.bpe.merges",
                GgufValue.strings(List.of("a b")));
        wrong.forEach((key, value) -> {
            Map<String, GgufValue> m = new HashMap<>(good);
            m.put(key, value);
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(m), key);
            assertTrue(e.getMessage().contains(key), e.getMessage());
        });
        Map<String, GgufValue> otherWidths = new HashMap<>(good);
        otherWidths.put(JpegLmSpec.WIDTH_KEY, GgufValue.uint16(32));
        otherWidths.put(JpegLmSpec.QUALITY_KEY, GgufValue.int64(25));
        assertSameSpec(spec(), JpegLmSpec.fromMetadata(otherWidths));
    }

    /** Issue 12: BOS equal to EOS, or a BOS/EOS id that is a byte token or outside the vocabulary, is refused. */
    @Test
    void badSpecialIdsAreRefusedNamingTheirKeys() {
        Map<String, GgufValue> good = spec().toGguf();
        BpeTokenizer t = tokenizer();
        int byteToken = t.byteTokenId('a');
        Map<String, GgufValue> bosIsEos = new HashMap<>(good);
        bosIsEos.put("jpeglm.bpe.bos_id", GgufValue.uint32(t.eosId()));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(bosIsEos));
        assertTrue(e.getMessage().contains("jpeglm.bpe.bos_id"), e.getMessage());
        assertTrue(e.getMessage().contains("jpeglm.bpe.eos_id"), e.getMessage());
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
        for (String key : List.of("jpeglm.bpe.bos_id", "jpeglm.bpe.eos_id")) {
            for (long id : new long[] {byteToken, t.vocabSize(), 1L << 31}) {
                Map<String, GgufValue> m = new HashMap<>(good);
                m.put(key, GgufValue.uint32(id));
                IllegalArgumentException bad =
                        assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.fromMetadata(m), key + id);
                assertTrue(bad.getMessage().contains(key), bad.getMessage());
            }
        }
        BpeTokenizer same = BpeTokenizer.of(t.vocabulary(), t.merges(), t.eosId(), t.eosId(), false);
        assertThrows(IllegalArgumentException.class, () -> JpegLmSpec.of(spec().profile(), same));
    }
}
