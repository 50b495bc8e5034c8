package org.jpeglm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.io.AtomicFile;

/**
 * The part of preparing training data that every image codec shares: a codec's streams (one per image) and its
 * tokenizer become the files {@code train/train_llama.py} reads — {@code train.u16} and {@code test.u16} (windows ×
 * (context+1) little-endian uint16 token ids; a window's labels are its tokens shifted by one), {@code tokenizer.json}
 * (HF format) and {@code meta.json} (sizes and statistics). The codec's own profile file is the caller's.
 */
final class CodecCorpus {
    private CodecCorpus() {}

    /** How token sequences become windows. */
    enum Packing {
        /** Concatenated and cut into consecutive windows, as language-model pretraining does (JPEG, bpe-igpt). */
        CONCATENATED,
        /** One sequence a window; every sequence must be context + 1 tokens (igpt). */
        ALIGNED
    }

    /** What was written; {@code meta} is meta.json's content. */
    record Written(int trainWindows, int testWindows, ObjectNode meta) {
        double bytesPerImage() {
            return meta.get("bytes_per_image").asDouble();
        }

        double tokensPerImage() {
            return meta.get("tokens_per_image").asDouble();
        }

        int maxTokensPerImage() {
            return meta.get("max_tokens_per_image").asInt();
        }
    }

    /**
     * Tokenizes the streams (BOS … EOS each), packs them into windows of context tokens and writes the four files;
     * each appears complete or not at all.
     *
     * @param head meta.json's first fields (dataset, codec, profile); the shared statistics follow them
     */
    static Written write(
            Path out,
            BpeTokenizer tokenizer,
            List<byte[]> train,
            List<byte[]> test,
            int context,
            Packing packing,
            ObjectNode head)
            throws IOException {
        List<int[]> trainTokens =
                train.parallelStream().map(s -> tokenizer.encode(s, true, true)).toList();
        List<int[]> testTokens =
                test.parallelStream().map(s -> tokenizer.encode(s, true, true)).toList();
        TokenWindows trainWindows = pack(trainTokens, context, packing);
        TokenWindows testWindows = pack(testTokens, context, packing);
        writeWindows(trainWindows, out.resolve("train.u16"));
        writeWindows(testWindows, out.resolve("test.u16"));
        HfTokenizerJson.write(tokenizer, out.resolve("tokenizer.json"));
        // An aligned window holds its sequence's last token as its last label.
        int longest = packing == Packing.ALIGNED ? context + 1 : context;
        ObjectNode meta = head.deepCopy()
                .put("vocab_size", tokenizer.vocabSize())
                .put("merges", tokenizer.mergeCount())
                .put("bos_id", tokenizer.bosId())
                .put("eos_id", tokenizer.eosId())
                .put("context", context)
                .put("train_images", train.size())
                .put("test_images", test.size())
                .put("train_windows", trainWindows.windows())
                .put("test_windows", testWindows.windows())
                .put(
                        "bytes_per_image",
                        mean(train.stream().mapToLong(b -> b.length).sum(), train.size()))
                .put(
                        "tokens_per_image",
                        mean(trainTokens.stream().mapToLong(t -> t.length).sum(), train.size()))
                .put(
                        "max_tokens_per_image",
                        trainTokens.stream().mapToInt(t -> t.length).max().orElse(0))
                .put(
                        "longer_than_context",
                        trainTokens.stream().filter(t -> t.length > longest).count())
                .put("test_bytes", test.stream().mapToLong(b -> b.length).sum())
                .put("test_tokens", testTokens.stream().mapToLong(t -> t.length).sum());
        AtomicFile.write(
                out.resolve("meta.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(meta));
        return new Written(trainWindows.windows(), testWindows.windows(), meta);
    }

    private static TokenWindows pack(List<int[]> sequences, int context, Packing packing) {
        return switch (packing) {
            case CONCATENATED -> TokenWindows.pack(sequences, context);
            case ALIGNED -> TokenWindows.aligned(sequences, context);
        };
    }

    private static double mean(long sum, int n) {
        return n == 0 ? 0 : (double) sum / n;
    }

    /** Windows with their one extra token (the last label), as uint16. */
    static void writeWindows(TokenWindows w, Path path) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(w.windows() * (w.length() + 1) * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < w.windows(); k++) {
            for (int i = 0; i < w.length(); i++) {
                buf.putShort((short) w.tokens()[k * w.length() + i]);
            }
            buf.putShort((short) w.labels()[k * w.length() + w.length() - 1]);
        }
        AtomicFile.write(path, buf.array());
    }
}
