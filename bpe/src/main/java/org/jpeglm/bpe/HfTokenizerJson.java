package org.jpeglm.bpe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.jpeglm.io.AtomicFile;

/**
 * Reads and writes Hugging Face tokenizers' {@code tokenizer.json} for byte-level BPE.
 *
 * <p>HF writes each token's bytes as text with GPT-2's mapping ({@link ByteLevelAlphabet}). Import
 * accepts merges both as {@code "a b"} strings and as {@code ["a", "b"]} pairs (tokenizers &ge;
 * 0.20); export writes strings, which every version reads. Special tokens are the
 * {@code added_tokens} marked special (and those absent from the model vocabulary); BOS and EOS are
 * found by their text ({@code <s>}, {@code </s>} unless told otherwise).
 *
 * <p>Import only accepts what {@link BpeTokenizer} computes the same way as HF: model {@code BPE}
 * with no dropout and no subword prefix/suffix, no normalizer, and a pre-tokenizer that is absent or
 * {@code ByteLevel} without regex splitting or prefix space. Export writes that, plus a {@code ByteLevel}
 * decoder. The vocabulary holds every byte of its alphabet as a one-char piece: all 256 for byte-level BPE,
 * only {@code Ā..ď} (bytes 0..15) for a 16-symbol alphabet, and every piece is spelled in those chars
 * (see {@link BpeTokenizer}); HF reads such a file and cannot encode a char outside it.
 *
 * <p>Using the file from Python: HF encodes <em>text</em>, whose UTF-8 bytes the ByteLevel
 * pre-tokenizer maps, so arbitrary (non-UTF-8) JPEG bytes cannot go through
 * {@code Tokenizer.encode}. Map the bytes with GPT-2's table yourself and call the model:
 * {@code [t.id for t in tok.model.tokenize(mapped)]} gives the ids {@link BpeTokenizer#encode}
 * gives; for valid UTF-8 input {@code tok.encode(text).ids} is the same too.
 */
public final class HfTokenizerJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private HfTokenizerJson() {}

    // ---------------------------------------------------------------- import

    /** Reads a {@code tokenizer.json} file, with BOS {@code <s>} and EOS {@code </s>}. */
    public static BpeTokenizer read(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path)) {
            return read(in);
        }
    }

    /** Reads {@code tokenizer.json} content, with BOS {@code <s>} and EOS {@code </s>}. */
    public static BpeTokenizer read(InputStream in) throws IOException {
        return fromJson(MAPPER.readTree(in), BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS);
    }

    /** Parses {@code tokenizer.json} text, with BOS {@code <s>} and EOS {@code </s>}. */
    public static BpeTokenizer parse(String json) {
        return parse(json, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS);
    }

    /** Parses {@code tokenizer.json} text; BOS and EOS are the special tokens with these texts, if any. */
    public static BpeTokenizer parse(String json, String bosText, String eosText) {
        try {
            return fromJson(MAPPER.readTree(json), bosText, eosText);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Builds the tokenizer a parsed {@code tokenizer.json} describes.
     *
     * @param bosText text of the BOS special token; no BOS if no special token has it
     * @param eosText text of the EOS special token; no EOS if no special token has it
     * @throws IllegalArgumentException if the file is malformed or asks for something not supported
     */
    static BpeTokenizer fromJson(JsonNode root, String bosText, String eosText) {
        checkPipeline(root);
        JsonNode model = root.path("model");
        if (!model.isObject()) {
            throw bad("no \"model\" object");
        }
        String type = model.path("type").asText("BPE");
        if (!type.equals("BPE")) {
            throw bad("model type is " + type + ", not BPE");
        }
        if (!model.path("dropout").isNull()
                && !model.path("dropout").isMissingNode()
                && model.path("dropout").asDouble() != 0.0) {
            throw bad("BPE dropout is not supported (encoding would be random)");
        }
        for (String field : List.of("continuing_subword_prefix", "end_of_word_suffix")) {
            if (!model.path(field).asText("").isEmpty()) {
                throw bad(field + " is not supported");
            }
        }

        Map<String, Integer> vocab = readVocab(model.path("vocab"));
        Map<Integer, Added> added = readAddedTokens(root.path("added_tokens"));
        int size = vocabularySize(vocab, added);
        String[] textOf = new String[size];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (textOf[e.getValue()] != null) {
                throw bad("id " + e.getValue() + " is both '" + textOf[e.getValue()] + "' and '" + e.getKey() + "'");
            }
            textOf[e.getValue()] = e.getKey();
        }

        List<VocabEntry> entries = new ArrayList<>(size);
        int bosId = BpeTokenizer.NO_TOKEN;
        int eosId = BpeTokenizer.NO_TOKEN;
        for (int id = 0; id < size; id++) {
            Added a = added.get(id);
            String text = textOf[id];
            if (a != null && (a.special || text == null)) {
                if (text != null && !text.equals(a.content)) {
                    throw bad("id " + id + " is '" + text + "' in the vocab but '" + a.content + "' in added_tokens");
                }
                entries.add(new VocabEntry.Special(a.content));
                if (a.content.equals(bosText)) {
                    bosId = id;
                } else if (a.content.equals(eosText)) {
                    eosId = id;
                }
            } else if (text != null) {
                if (!ByteLevelAlphabet.isEncoded(text) || text.isEmpty()) {
                    throw bad("vocab entry '" + text + "' (id " + id
                            + ") is neither byte-level text nor a special token");
                }
                entries.add(new VocabEntry.Piece(ByteLevelAlphabet.decode(text)));
            } else {
                throw bad("no token has id " + id + " (ids must be 0.." + (size - 1) + " without gaps)");
            }
        }

        List<TokenPair> merges = readMerges(model.path("merges"), vocab);
        boolean ignoreMerges = model.path("ignore_merges").asBoolean(false);
        try {
            return BpeTokenizer.of(entries, merges, bosId, eosId, ignoreMerges);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private record Added(String content, boolean special) {}

    /**
     * One more than the largest id. Ids run 0..size-1 without gaps, so at least size distinct ids are named: a
     * larger id is refused here, before it sizes an array.
     */
    private static int vocabularySize(Map<String, Integer> vocab, Map<Integer, Added> added) {
        long size = 0;
        for (int id : vocab.values()) {
            size = Math.max(size, id + 1L);
        }
        for (int id : added.keySet()) {
            size = Math.max(size, id + 1L);
        }
        int named = new HashSet<>(vocab.values()).size() + added.size();
        if (size > named) {
            throw bad("ids must be 0.." + (named - 1) + " without gaps, but id " + (size - 1) + " is used among "
                    + named + " tokens");
        }
        return (int) size;
    }

    private static void checkPipeline(JsonNode root) {
        JsonNode normalizer = root.path("normalizer");
        if (!normalizer.isMissingNode() && !normalizer.isNull()) {
            throw bad("a normalizer is not supported (bytes are tokenized as they are)");
        }
        JsonNode pre = root.path("pre_tokenizer");
        if (pre.isMissingNode() || pre.isNull()) {
            return;
        }
        // HF's defaults for a ByteLevel pre-tokenizer are add_prefix_space and use_regex true.
        if (!pre.path("type").asText().equals("ByteLevel")
                || pre.path("use_regex").asBoolean(true)
                || pre.path("add_prefix_space").asBoolean(true)) {
            throw bad(
                    "the pre-tokenizer must be absent or ByteLevel with use_regex and add_prefix_space false: " + pre);
        }
    }

    private static Map<String, Integer> readVocab(JsonNode node) {
        if (!node.isObject()) {
            throw bad("model.vocab is not an object");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            if (!e.getValue().isIntegralNumber()
                    || !e.getValue().canConvertToInt()
                    || e.getValue().asInt() < 0) {
                throw bad("vocab id of '" + e.getKey() + "' is not a non-negative int");
            }
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return vocab;
    }

    private static Map<Integer, Added> readAddedTokens(JsonNode node) {
        Map<Integer, Added> added = new HashMap<>();
        if (node.isMissingNode() || node.isNull()) {
            return added;
        }
        for (JsonNode t : node) {
            if (!t.path("id").isIntegralNumber()
                    || !t.path("id").canConvertToInt()
                    || !t.path("content").isTextual()) {
                throw bad("added token without id or content: " + t);
            }
            if (t.get("id").asInt() < 0) {
                throw bad("added token with a negative id: " + t);
            }
            added.put(
                    t.get("id").asInt(),
                    new Added(t.get("content").asText(), t.path("special").asBoolean(false)));
        }
        return added;
    }

    private static List<TokenPair> readMerges(JsonNode node, Map<String, Integer> vocab) {
        if (!node.isArray()) {
            throw bad("model.merges is not an array");
        }
        List<TokenPair> merges = new ArrayList<>(node.size());
        for (JsonNode m : node) {
            String a;
            String b;
            if (m.isTextual()) {
                String[] parts = m.asText().split(" ", -1);
                if (parts.length != 2) {
                    throw bad("merge '" + m.asText() + "' is not two tokens separated by one space");
                }
                a = parts[0];
                b = parts[1];
            } else if (m.isArray()
                    && m.size() == 2
                    && m.get(0).isTextual()
                    && m.get(1).isTextual()) {
                a = m.get(0).asText();
                b = m.get(1).asText();
            } else {
                throw bad("merge " + m + " is neither \"a b\" nor [\"a\", \"b\"]");
            }
            merges.add(new TokenPair(idOf(vocab, a), idOf(vocab, b)));
        }
        return merges;
    }

    private static int idOf(Map<String, Integer> vocab, String token) {
        Integer id = vocab.get(token);
        if (id == null) {
            throw bad("merge token '" + token + "' is not in the vocab");
        }
        return id;
    }

    private static IllegalArgumentException bad(String message) {
        return new IllegalArgumentException("tokenizer.json: " + message);
    }

    // ---------------------------------------------------------------- export

    /**
     * The {@code tokenizer.json} tree for {@code tokenizer}.
     *
     * @throws IllegalArgumentException if a special token's text equals some piece's byte-level text
     *                                  (HF's vocabulary is keyed by text, so both cannot exist)
     */
    static ObjectNode toJson(BpeTokenizer tokenizer) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        root.putNull("normalizer");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "ByteLevel");
        pre.put("add_prefix_space", false);
        pre.put("trim_offsets", true);
        pre.put("use_regex", false);
        root.putNull("post_processor");
        ObjectNode decoder = root.putObject("decoder");
        decoder.put("type", "ByteLevel");
        decoder.put("add_prefix_space", false);
        decoder.put("trim_offsets", true);
        decoder.put("use_regex", false);

        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", tokenizer.ignoreMerges());
        ObjectNode vocab = model.putObject("vocab");
        String[] text = new String[tokenizer.vocabSize()];
        Map<String, Integer> seen = new HashMap<>();
        for (int id = 0; id < text.length; id++) {
            text[id] = switch (tokenizer.entry(id)) {
                case VocabEntry.Piece p -> ByteLevelAlphabet.encode(p.bytesUnsafe());
                case VocabEntry.Special s -> s.content();
            };
            Integer other = seen.putIfAbsent(text[id], id);
            if (other != null) {
                throw new IllegalArgumentException(
                        "ids " + other + " and " + id + " both have the text '" + text[id] + "'");
            }
            vocab.put(text[id], id);
            if (tokenizer.isSpecial(id)) {
                ObjectNode t = added.addObject();
                t.put("id", id);
                t.put("content", text[id]);
                t.put("single_word", false);
                t.put("lstrip", false);
                t.put("rstrip", false);
                t.put("normalized", false);
                t.put("special", true);
            }
        }
        ArrayNode merges = model.putArray("merges");
        for (TokenPair m : tokenizer.merges()) {
            merges.add(text[m.left()] + " " + text[m.right()]);
        }
        return root;
    }

    /** {@link #toJson} as pretty-printed text. */
    public static String toJsonString(BpeTokenizer tokenizer) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(tokenizer));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #toJson} to {@code path} (UTF-8). */
    public static void write(BpeTokenizer tokenizer, Path path) throws IOException {
        AtomicFile.write(path, MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(toJson(tokenizer)));
    }
}
