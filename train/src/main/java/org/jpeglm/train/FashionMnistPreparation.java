package org.jpeglm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;
import org.jpeglm.spec.JpegProfileFile;

/**
 * Turns Fashion-MNIST into the training data of the bundled model, with this project's JPEG encoder and BPE so
 * that training and generation tokenize identically: every image padded to size×size (the background is black,
 * so no pixel is resampled), encoded with the profile, a BPE learned on the first training images, and the
 * token sequences (BOS … EOS) packed into windows for {@code train/train_llama.py}.
 *
 * <p>Writes to the output directory: {@code train.u16} and {@code test.u16} (windows × (context+1) little-endian
 * uint16 token ids; a window's labels are its tokens shifted by one), {@code tokenizer.json} (HF format),
 * {@code jpeglm_profile.json} and {@code meta.json} (sizes and statistics).
 */
public final class FashionMnistPreparation {
    /**
     * What to prepare.
     *
     * @param data the Fashion-MNIST directory (IDX files, gzipped or not)
     * @param out the output directory
     * @param images training images, or -1 for all 60,000
     * @param testImages test images, or -1 for all 10,000
     * @param size the image side after padding (at least 28)
     * @param quality the JPEG quality, 1..100
     * @param merges BPE merges
     * @param bpeImages the training images the BPE is learned from (the paper's 10K)
     * @param context the window length in tokens
     */
    public record Options(
            Path data,
            Path out,
            int images,
            int testImages,
            int size,
            int quality,
            int merges,
            int bpeImages,
            int context) {
        public Options {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(out, "out");
            if (images < -1 || testImages < -1) {
                throw new IllegalArgumentException("image counts must be >= 0 (or -1 for all)");
            }
            if (size < FashionMnist.SIDE || size > 4096) {
                throw new IllegalArgumentException("size must be " + FashionMnist.SIDE + "..4096, got " + size);
            }
            if (quality < 1 || quality > 100) {
                throw new IllegalArgumentException("quality must be 1..100, got " + quality);
            }
            if (merges < 0 || bpeImages < 1 || context < 2) {
                throw new IllegalArgumentException("merges must be >= 0, BPE images >= 1 and context >= 2");
            }
        }

        /** The bundled model's recipe: all images, 32×32, quality 25, 320 merges learned on 10K images, windows of 256. */
        public static Options defaults(Path out) {
            return new Options(FashionMnist.DEBIAN_DIR, out, -1, -1, 32, 25, 320, 10000, 256);
        }
    }

    /** What was written. */
    public record Result(
            int trainImages,
            int testImages,
            int vocabSize,
            double bytesPerImage,
            double tokensPerImage,
            int trainWindows,
            int testWindows) {}

    private final Options options;

    public FashionMnistPreparation(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The profile of the bundled model: gray (Pillow's layout for an L image saved with 4:2:0), RST after every MCU. */
    JpegProfile profile() {
        return new JpegProfile(options.quality(), Subsampling.GRAY, 1, options.size(), options.size());
    }

    /** Reads, encodes, learns the BPE, packs and writes everything; each file appears complete or not at all. */
    public Result run() throws IOException {
        Path out = options.out();
        int size = options.size();
        int context = options.context();
        Files.createDirectories(out);
        JpegProfile profile = profile();
        JpegEncoder encoder = new JpegEncoder(profile);
        List<byte[]> train = encode(encoder, FashionMnist.read(options.data(), true, options.images()));
        List<byte[]> test = encode(encoder, FashionMnist.read(options.data(), false, options.testImages()));
        BpeTokenizer tokenizer = new BpeTrainer(options.merges(), 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS)
                .train(train.subList(0, Math.min(options.bpeImages(), train.size())));
        List<int[]> trainTokens =
                train.parallelStream().map(s -> tokenizer.encode(s, true, true)).toList();
        List<int[]> testTokens =
                test.parallelStream().map(s -> tokenizer.encode(s, true, true)).toList();
        TokenWindows trainWindows = TokenWindows.pack(trainTokens, context);
        TokenWindows testWindows = TokenWindows.pack(testTokens, context);

        writeWindows(trainWindows, out.resolve("train.u16"));
        writeWindows(testWindows, out.resolve("test.u16"));
        HfTokenizerJson.write(tokenizer, out.resolve("tokenizer.json"));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JpegProfileFile.write(out.resolve(JpegProfileFile.FILE_NAME), profile, null);
        ObjectNode meta = json.createObjectNode()
                .put("dataset", "fashion-mnist")
                .put("size", size)
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
                        trainTokens.stream().filter(t -> t.length > context).count())
                .put("test_bytes", test.stream().mapToLong(b -> b.length).sum())
                .put("test_tokens", testTokens.stream().mapToLong(t -> t.length).sum());
        AtomicFile.write(out.resolve("meta.json"), json.writeValueAsBytes(meta));
        return new Result(
                train.size(),
                test.size(),
                tokenizer.vocabSize(),
                meta.get("bytes_per_image").asDouble(),
                meta.get("tokens_per_image").asDouble(),
                trainWindows.windows(),
                testWindows.windows());
    }

    private List<byte[]> encode(JpegEncoder encoder, List<FashionMnist.Item> items) {
        return items.parallelStream()
                .map(i -> encoder.encode(FashionMnist.pad(i.image(), options.size())))
                .toList();
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
