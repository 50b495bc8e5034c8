package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HfTokenizerJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String resource(String name) throws IOException {
        try (InputStream in = HfTokenizerJsonTest.class.getResourceAsStream("/bpe/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /bpe/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    /*
     * The hand-written files use HF's trained layout: <s>=0, </s>=1, then the 256 byte chars in
     * code-point order (a=66, b=67, c=68, Ġ(space)=222, ÿ(FF)=189, Ø(D8)=150, Ā(00)=190, à(E0)=158),
     * then merges 258.. : ĠĠ, ÿØ, ÿØÿ, ÿĀ, ab, abc.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hand-merges-as-strings.json", "hand-merges-as-pairs.json"})
    void importsHandWrittenFilesInBothMergeFormats(String file) throws IOException {
        BpeTokenizer t = HfTokenizerJson.parse(resource(file));
        assertEquals(264, t.vocabSize());
        assertEquals(0, t.bosId());
        assertEquals(1, t.eosId());
        assertEquals(66, t.byteTokenId('a'));
        assertEquals(222, t.byteTokenId(' '));
        assertEquals(190, t.byteTokenId(0));
        assertEquals(6, t.mergeCount());
        assertEquals(new TokenPair(189, 150), t.merges().get(1));
        assertArrayEquals(new int[] {260, 158}, t.encode(bytes(0xFF, 0xD8, 0xFF, 0xE0)));
        assertArrayEquals(new int[] {261, 259}, t.encode(bytes(0xFF, 0x00, 0xFF, 0xD8)));
        assertArrayEquals(
                new int[] {0, 258, 263, 1}, t.encode("  abc".getBytes(StandardCharsets.US_ASCII), true, true));
        assertArrayEquals(bytes(0xFF, 0xD8, 0xFF, 0x20, 0x20), t.decode(new int[] {0, 260, 258, 1}));
    }

    @Test
    void exportThenImportGivesTheSameTokenizer(@TempDir Path dir) throws IOException {
        List<byte[]> streams = JpegLikeStreams.generate(5, 60);
        BpeTokenizer t = BpeTrainer.defaults().train(streams);
        Path file = dir.resolve("tokenizer.json");
        HfTokenizerJson.write(t, file);
        BpeTokenizer back = HfTokenizerJson.read(file);
        assertEquals(t, back);
        for (byte[] s : JpegLikeStreams.generate(6, 20)) {
            assertArrayEquals(t.encode(s, true, true), back.encode(s, true, true));
        }
    }

    @Test
    void roundTripKeepsAnImportedLayout() throws IOException {
        BpeTokenizer t = HfTokenizerJson.parse(resource("hand-merges-as-strings.json"));
        assertEquals(t, HfTokenizerJson.parse(HfTokenizerJson.toJsonString(t)));
        assertEquals(t, HfTokenizerJson.parse(resource("hand-merges-as-pairs.json")));
    }

    @Test
    void exportHasTheFieldsHfNeeds() throws IOException {
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair(' ', ' '), new TokenPair(0xFF, 0xD8)));
        JsonNode root = JSON.readTree(HfTokenizerJson.toJsonString(t));
        assertEquals("ByteLevel", root.at("/pre_tokenizer/type").asText());
        assertFalse(root.at("/pre_tokenizer/use_regex").asBoolean(true));
        assertFalse(root.at("/pre_tokenizer/add_prefix_space").asBoolean(true));
        assertEquals("ByteLevel", root.at("/decoder/type").asText());
        assertEquals(true, root.get("normalizer").isNull());
        JsonNode model = root.get("model");
        assertEquals("BPE", model.get("type").asText());
        assertFalse(model.get("byte_fallback").asBoolean());
        assertEquals(32, model.at("/vocab/\u0120").asInt());
        assertEquals(256, model.at("/vocab/\u0120\u0120").asInt());
        assertEquals(257, model.at("/vocab/\u00FF\u00D8").asInt());
        assertEquals(258, model.at("/vocab/<s>").asInt());
        assertEquals("\u0120 \u0120", model.at("/merges/0").asText());
        assertEquals("\u00FF \u00D8", model.at("/merges/1").asText());
        assertEquals(2, root.get("added_tokens").size());
        assertEquals("</s>", root.at("/added_tokens/1/content").asText());
        assertEquals(259, root.at("/added_tokens/1/id").asInt());
        assertEquals(true, root.at("/added_tokens/1/special").asBoolean());
    }

    @Test
    void honoursIgnoreMerges() throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(resource("hand-merges-as-strings.json"));
        ((ObjectNode) root.get("model")).put("ignore_merges", true);
        // "ĠĠ" is a piece: with ignore_merges the whole input is that one token.
        BpeTokenizer t = HfTokenizerJson.fromJson(root, "<s>", "</s>");
        assertArrayEquals(new int[] {258}, t.encode(bytes(0x20, 0x20)));
        assertEquals(true, HfTokenizerJson.toJson(t).at("/model/ignore_merges").asBoolean());
    }

    @Test
    void findsBosAndEosByTheGivenText() throws IOException {
        BpeTokenizer t = HfTokenizerJson.parse(resource("hand-merges-as-strings.json"), "</s>", "<eos>");
        assertEquals(1, t.bosId());
        assertEquals(BpeTokenizer.NO_TOKEN, t.eosId());
    }

    private static void assertRejected(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(resource("hand-merges-as-strings.json"));
        edit.accept(root);
        assertThrows(IllegalArgumentException.class, () -> HfTokenizerJson.fromJson(root, "<s>", "</s>"));
    }

    @Test
    void rejectsWhatItWouldComputeDifferentlyFromHf() throws IOException {
        assertRejected(r -> ((ObjectNode) r.get("pre_tokenizer")).put("use_regex", true));
        assertRejected(r -> ((ObjectNode) r.get("pre_tokenizer")).remove("use_regex")); // HF's default is true
        assertRejected(r -> ((ObjectNode) r.get("pre_tokenizer")).put("add_prefix_space", true));
        assertRejected(r -> r.putObject("normalizer").put("type", "NFC"));
        assertRejected(r -> ((ObjectNode) r.get("model")).put("dropout", 0.1));
        assertRejected(r -> ((ObjectNode) r.get("model")).put("continuing_subword_prefix", "##"));
        assertRejected(r -> ((ObjectNode) r.get("model")).put("type", "WordPiece"));
    }

    @Test
    void rejectsMalformedFiles() throws IOException {
        assertRejected(r -> ((ObjectNode) r.at("/model/vocab")).remove("a")); // a gap in the ids, and merges use it
        assertRejected(r -> ((ObjectNode) r.at("/model/vocab")).put("x", 66)); // two tokens, one id
        assertRejected(r -> ((ObjectNode) r.at("/model/vocab")).put("zz", 300)); // gap in the ids
        assertRejected(r -> ((ObjectNode) r.at("/model/vocab")).put("a b", 264)); // not byte-level text
        assertRejected(r -> ((com.fasterxml.jackson.databind.node.ArrayNode) r.at("/model/merges")).add("a q!"));
        assertRejected(r -> ((com.fasterxml.jackson.databind.node.ArrayNode) r.at("/model/merges")).add("b c"));
        assertRejected(r -> ((com.fasterxml.jackson.databind.node.ArrayNode) r.at("/model/merges")).add(7));
        assertThrows(IllegalArgumentException.class, () -> HfTokenizerJson.parse("{"));
    }

    @Test
    void exportRefusesASpecialTokenSpelledLikeAPiece() {
        // "<s>" is also the byte-level text of the bytes 3C 73 3E.
        BpeTokenizer t = BpeTokenizer.fromMerges(List.of(new TokenPair('<', 's'), new TokenPair(256, '>')));
        assertThrows(IllegalArgumentException.class, () -> HfTokenizerJson.toJson(t));
    }

    /**
     * Found by TokenizerJsonFuzzProperties: a vocab or added-token id of 2e9 sized an array by it (OutOfMemoryError);
     * Integer.MAX_VALUE overflowed the size; fractional and negative ids were read as ints.
     */
    @Test
    void absurdIdsAreRefusedBeforeTheySizeAnything() throws IOException {
        for (int id : new int[] {2_000_000_000, Integer.MAX_VALUE}) {
            assertRejected(r -> ((ObjectNode) r.at("/model/vocab")).put(".", id));
            assertRejected(r -> ((ObjectNode) r.get("added_tokens").get(0)).put("id", id));
        }
        assertRejected(r -> ((ObjectNode) r.at("/model/vocab")).put(".", 15.5));
        assertRejected(r -> ((ObjectNode) r.get("added_tokens").get(0)).put("id", -1));
        ObjectNode root = (ObjectNode) JSON.readTree(resource("hand-merges-as-strings.json"));
        ((ObjectNode) root.at("/model/vocab")).put(".", 2_000_000_000);
        String m = assertThrows(IllegalArgumentException.class, () -> HfTokenizerJson.fromJson(root, "<s>", "</s>"))
                .getMessage();
        assertTrue(m.contains("without gaps") && m.contains("2000000000"), m);
    }
}
