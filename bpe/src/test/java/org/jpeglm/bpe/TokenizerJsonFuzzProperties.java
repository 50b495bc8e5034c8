package org.jpeglm.bpe;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jpeglm.fuzzing.FuzzCheck;
import org.jpeglm.fuzzing.JsonMutations;

/**
 * Fuzzing the tokenizer.json reader (issue 12): mutated, truncated and wrong-typed files make
 * {@link HfTokenizerJson#read(InputStream)} return a tokenizer or throw IOException (not JSON) or
 * IllegalArgumentException (JSON, but not a tokenizer it reads); never another exception, a hang, or an
 * allocation out of proportion to the file (an id of 2^31 - 1 must not size an array).
 */
class TokenizerJsonFuzzProperties {
    private static List<String> seeds() {
        try {
            return List.of(
                    resource("hand-merges-as-strings.json"),
                    resource("hand-merges-as-pairs.json"),
                    HfTokenizerJson.toJsonString(BpeTokenizer.fromMerges(List.of(new TokenPair(97, 98)))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = TokenizerJsonFuzzProperties.class.getResourceAsStream("/bpe/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /bpe/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Provide
    Arbitrary<byte[]> mutatedFiles() {
        return JsonMutations.of(seeds());
    }

    @Property(tries = 2500)
    void mutatedFilesThrowOnlyTheDocumentedExceptions(@ForAll("mutatedFiles") byte[] json) {
        FuzzCheck.run(
                json,
                FuzzCheck.budget(json.length, 256, 16 << 20),
                List.of(IOException.class, IllegalArgumentException.class),
                () -> {
                    BpeTokenizer t = HfTokenizerJson.read(new ByteArrayInputStream(json));
                    t.encode(new byte[] {97, 98, 99, (byte) 0xFF});
                });
    }
}
