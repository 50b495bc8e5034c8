package org.jpeglm.bpe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Compares with what Hugging Face tokenizers itself computed: the committed fixture in
 * {@code src/test/resources/bpe/hf-fixture/} was made by {@link HfFixture} (Java: corpus, exported
 * tokenizers, inputs) and {@code make_hf_fixture.mjs} (Node: the npm package {@code tokenizers} 0.23.2,
 * which is HF's Rust library in a prebuilt binding; {@code cases.json} records the version). Three
 * tokenizers: our trainer's, exported by {@link HfTokenizerJson} (monotone ranks: the bucket engine); the
 * same pieces in a shuffled layout with shuffled ranks and {@code ignore_merges} (the heap engine); and one
 * trained by HF's own trainer on the same corpus (HF's id layout).
 */
class HfFixtureTest {
    private static final String DIR = "/bpe/hf-fixture/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static JsonNode spec;

    private static InputStream open(String name) throws IOException {
        InputStream in = HfFixtureTest.class.getResourceAsStream(DIR + name);
        if (in == null) {
            throw new IOException("missing test resource " + DIR + name + " (see HfFixture for how to make it)");
        }
        return in;
    }

    private static BpeTokenizer tokenizer(String name) throws IOException {
        try (InputStream in = open(name + ".tokenizer.json")) {
            return HfTokenizerJson.read(in);
        }
    }

    private static JsonNode tokenizerJson(String name) throws IOException {
        try (InputStream in = open(name + ".tokenizer.json")) {
            return JSON.readTree(in);
        }
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).intValue();
        }
        return out;
    }

    @BeforeAll
    static void readCases() throws IOException {
        try (InputStream in = open("cases.json")) {
            spec = JSON.readTree(in);
        }
    }

    @Test
    void fixtureWasMadeByHfTokenizers() {
        assertTrue(
                spec.path("producer").path("library").asText().startsWith("tokenizers"),
                spec.path("producer").toString());
        assertFalse(spec.path("producer").path("version").asText().isEmpty());
        assertEquals(
                List.of(HfFixture.JPEGLM_TRAINED, HfFixture.SHUFFLED, HfFixture.HF_TRAINED),
                JSON.convertValue(spec.get("tokenizers"), List.class));
        for (JsonNode c : spec.get("cases")) {
            for (JsonNode name : spec.get("tokenizers")) {
                assertTrue(c.path("ids").path(name.asText()).isArray(), c.get("name") + " has no ids from " + name);
            }
        }
    }

    /** The cases are the inputs HfFixture makes now: same names, same bytes (the encoder has not drifted). */
    @Test
    void inputsAreTheOnesTheGeneratorMakes() {
        List<HfFixture.Input> inputs = HfFixture.inputs();
        JsonNode cases = spec.get("cases");
        assertEquals(inputs.size(), cases.size());
        for (int i = 0; i < inputs.size(); i++) {
            assertEquals(inputs.get(i).name(), cases.get(i).get("name").asText());
            assertArrayEquals(
                    inputs.get(i).bytes(),
                    Base64.getDecoder().decode(cases.get(i).get("input_base64").asText()),
                    inputs.get(i).name());
        }
        assertEquals(
                spec.get("corpus_sha256").asText(),
                HfFixture.digest(HfFixture.corpus()),
                "the training corpus changed");
    }

    @ParameterizedTest
    @ValueSource(strings = {HfFixture.JPEGLM_TRAINED, HfFixture.SHUFFLED, HfFixture.HF_TRAINED})
    void encodesAsHfTokenizersDid(String name) throws IOException {
        BpeTokenizer t = tokenizer(name);
        assertEquals(HfFixture.MERGES, t.mergeCount());
        assertEquals(!name.equals(HfFixture.SHUFFLED), t.usesBucketEngine(), "engine");
        long bytes = 0;
        long tokens = 0;
        for (JsonNode c : spec.get("cases")) {
            String what = name + " / " + c.get("name").asText();
            byte[] input = Base64.getDecoder().decode(c.get("input_base64").asText());
            int[] expected = ints(c.get("ids").get(name));
            assertArrayEquals(expected, t.encode(input), what);
            assertArrayEquals(input, t.decode(expected), what);
            bytes += input.length;
            tokens += expected.length;
        }
        assertTrue(tokens < bytes * 0.95, "merges fire: " + tokens + " tokens for " + bytes + " bytes");
        JsonNode special = spec.get("special").get(name);
        assertEquals(special.get("bos_id").intValue(), t.bosId());
        assertEquals(special.get("eos_id").intValue(), t.eosId());
    }

    /** The committed Java-made files are what our trainer and HfTokenizerJson write today. */
    @Test
    void exportedTokenizersAreWhatWeWriteNow() throws IOException {
        BpeTokenizer trained =
                BpeTrainer.defaults().withMergeCount(HfFixture.MERGES).train(HfFixture.corpus());
        JsonNode committed = tokenizerJson(HfFixture.JPEGLM_TRAINED);
        JsonNode now = HfTokenizerJson.toJson(trained);
        assertEquals(committed.path("model").path("merges"), now.path("model").path("merges"), "merges");
        assertEquals(committed, now);
        assertEquals(tokenizerJson(HfFixture.SHUFFLED), HfTokenizerJson.toJson(HfFixture.shuffled(trained, 11)));
        assertEquals(trained, tokenizer(HfFixture.JPEGLM_TRAINED));
    }

    /** Our trainer learns the merges HF's trainer learned on the same corpus, in the same order. */
    @Test
    void ourTrainerLearnsHfsMerges() throws IOException {
        BpeTokenizer ours =
                BpeTrainer.defaults().withMergeCount(HfFixture.MERGES).train(HfFixture.corpus());
        BpeTokenizer hf = tokenizer(HfFixture.HF_TRAINED);
        List<String> ourMerges = spelled(ours);
        List<String> hfMerges = spelled(hf);
        for (int r = 0; r < hfMerges.size(); r++) {
            assertEquals(hfMerges.get(r), ourMerges.get(r), "merge " + r);
        }
        assertEquals(hfMerges, ourMerges);
        // Same merges, other ids: every case splits into the same pieces.
        for (JsonNode c : spec.get("cases")) {
            byte[] input = Base64.getDecoder().decode(c.get("input_base64").asText());
            assertEquals(
                    pieces(hf, ints(c.get("ids").get(HfFixture.HF_TRAINED))),
                    pieces(ours, ours.encode(input)),
                    c.get("name").asText());
        }
    }

    private static List<String> spelled(BpeTokenizer t) {
        List<String> out = new ArrayList<>();
        for (TokenPair m : t.merges()) {
            out.add(ByteLevelAlphabet.encode(t.tokenBytes(m.left())) + " "
                    + ByteLevelAlphabet.encode(t.tokenBytes(m.right())));
        }
        return out;
    }

    private static List<String> pieces(BpeTokenizer t, int[] ids) {
        return Arrays.stream(ids)
                .mapToObj(id -> ByteLevelAlphabet.encode(t.tokenBytes(id)))
                .toList();
    }
}
