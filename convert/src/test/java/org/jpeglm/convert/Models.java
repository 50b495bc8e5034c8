package org.jpeglm.convert;

import java.nio.file.Path;
import java.util.Random;
import org.jpeglm.FileType;
import org.jpeglm.Model;
import org.jpeglm.ModelOptions;
import org.jpeglm.Session;
import org.jpeglm.SessionOptions;

/** Running converted files through llama.cpp for the tests. */
final class Models {
    private Models() {}

    /** Options converting in to out as type, a type name or "auto". */
    static ConvertOptions.Builder convert(Path in, Path out, String type) {
        ConvertOptions.Builder b = ConvertOptions.builder(in, out);
        return type.equals("auto") ? b.autoType() : b.type(FileType.of(type));
    }

    static ModelOptions options() {
        return ModelOptions.builder()
                .gpuLayers(Integer.getInteger("jpeglm.test.gpuLayers", 0))
                .build();
    }

    /** An F32 KV cache and no flash attention: only float rounding separates llama.cpp from the reference. */
    static SessionOptions exact(int contextLength) {
        return SessionOptions.builder()
                .contextLength(contextLength)
                .kvCacheType(SessionOptions.KvCacheType.F32)
                .flashAttention(SessionOptions.FlashAttention.OFF)
                .build();
    }

    /** llama.cpp's logits after feeding tokens to the model in path. */
    static float[] lastLogits(Path path, int[] tokens) {
        try (Model model = Model.load(path, options());
                Session session = model.newSession(exact(Math.max(64, tokens.length + 8)))) {
            session.sequence(0).feed(tokens);
            return session.sequence(0).logits();
        }
    }

    static int[] randomTokens(int n, int vocab, long seed) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    /** max |a - b| / max |b|: the error of a relative to the reference b. */
    static double relativeError(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths " + a.length + " and " + b.length);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < b.length; i++) {
            num = Math.max(num, Math.abs(a[i] - b[i]));
            den = Math.max(den, Math.abs(b[i]));
        }
        return num / den;
    }
}
