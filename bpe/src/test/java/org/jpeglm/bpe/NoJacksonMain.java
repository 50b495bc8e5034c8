package org.jpeglm.bpe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jpeglm.gguf.GgufValue;

/**
 * Run by {@link NoNativeLibraryTest} in a JVM whose class path lacks Jackson: trains a tokenizer, encodes and decodes,
 * and moves it through its GGUF metadata; then shows that only tokenizer.json needs Jackson. Prints one line per
 * check; any failure is an exception (a non-zero exit).
 */
public final class NoJacksonMain {
    private NoJacksonMain() {}

    public static void main(String[] args) {
        try {
            Class.forName("com.fasterxml.jackson.databind.ObjectMapper");
            throw new AssertionError("Jackson is on the class path");
        } catch (ClassNotFoundException expected) {
            System.out.println("no Jackson");
        }
        List<byte[]> corpus = corpus();
        BpeTokenizer tokenizer = BpeTrainer.defaults().withMergeCount(40).train(corpus);
        for (byte[] stream : corpus) {
            int[] ids = tokenizer.encode(stream, true, true);
            if (ids.length >= stream.length + 2 || !Arrays.equals(stream, tokenizer.decode(ids))) {
                throw new AssertionError("encode/decode does not round-trip " + Arrays.toString(stream));
            }
        }
        System.out.println("round trip: " + tokenizer.mergeCount() + " merges, " + tokenizer.vocabSize() + " tokens");
        Map<String, GgufValue> metadata = BpeGgufMetadata.toGguf(tokenizer);
        if (!BpeGgufMetadata.fromGguf(metadata).equals(tokenizer)) {
            throw new AssertionError("the GGUF metadata does not round-trip");
        }
        System.out.println("gguf metadata: " + metadata.size() + " keys");
        try {
            HfTokenizerJson.toJsonString(tokenizer);
            throw new AssertionError("tokenizer.json was written without Jackson");
        } catch (NoClassDefFoundError e) {
            System.out.println("tokenizer.json needs Jackson: " + e.getMessage());
        }
    }

    /** Byte streams with repeated pairs, so merges are learned. */
    private static List<byte[]> corpus() {
        SplittableRandom r = new SplittableRandom(7);
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            byte[] s = new byte[200];
            for (int j = 0; j < s.length; j++) {
                s[j] = (byte) (j % 3 == 0 ? 0xFF : r.nextInt(8));
            }
            out.add(s);
        }
        return out;
    }
}
