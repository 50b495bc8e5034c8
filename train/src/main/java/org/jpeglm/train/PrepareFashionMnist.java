package org.jpeglm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.image.JpegLmSpec;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
@Command(name = "prepare-fashion-mnist", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Encode Fashion-MNIST as Jpeg-LM token windows (tokenizer and profile included).",
        footer = {"", "Example:", "  prepare-fashion-mnist --out train/data --size 32 --quality 25 --merges 320"})
public final class PrepareFashionMnist implements Callable<Integer> {
    @Option(names = "--data", description = "Fashion-MNIST directory (default: ${DEFAULT-VALUE})")
    Path data = FashionMnist.DEBIAN_DIR;
    @Option(names = "--out", required = true, description = "output directory")
    Path out;
    @Option(names = "--images", description = "training images (default: all 60000)")
    int images = -1;
    @Option(names = "--test-images", description = "test images (default: all 10000)")
    int testImages = -1;
    @Option(names = "--size", description = "image side after padding (default: ${DEFAULT-VALUE})")
    int size = 32;
    @Option(names = "--quality", description = "JPEG quality (default: ${DEFAULT-VALUE})")
    int quality = 25;
    @Option(names = "--merges", description = "BPE merges (default: ${DEFAULT-VALUE})")
    int merges = 320;
    @Option(names = "--bpe-images", description = "images the BPE is learned from (default: ${DEFAULT-VALUE}, as the paper's 10K)")
    int bpeImages = 10000;
    @Option(names = "--context", description = "window length in tokens (default: ${DEFAULT-VALUE})")
    int context = 256;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PrepareFashionMnist()).execute(args));
    }

    /** The profile of the bundled model: gray (Pillow's layout for an L image saved with 4:2:0), RST after every MCU. */
    JpegProfile profile() {
        return new JpegProfile(quality, Subsampling.GRAY, 1, size, size);
    }

    @Override
    public Integer call() throws IOException {
        Files.createDirectories(out);
        JpegProfile profile = profile();
        JpegEncoder encoder = new JpegEncoder(profile);
        List<byte[]> train = encode(encoder, FashionMnist.read(data, true, images));
        List<byte[]> test = encode(encoder, FashionMnist.read(data, false, testImages));
        BpeTokenizer tokenizer = new BpeTrainer(merges, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS)
                .train(train.subList(0, Math.min(bpeImages, train.size())));
        List<int[]> trainTokens = train.parallelStream().map(s -> tokenizer.encode(s, true, true)).toList();
        List<int[]> testTokens = test.parallelStream().map(s -> tokenizer.encode(s, true, true)).toList();
        TokenWindows trainWindows = TokenWindows.pack(trainTokens, context);
        TokenWindows testWindows = TokenWindows.pack(testTokens, context);

        writeWindows(trainWindows, out.resolve("train.u16"));
        writeWindows(testWindows, out.resolve("test.u16"));
        HfTokenizerJson.write(tokenizer, out.resolve("tokenizer.json"));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode p = json.createObjectNode()
                .put("format", "jpeglm-profile").put("version", 1).put("quality", profile.quality())
                .put("subsampling", JpegLmSpec.subsamplingName(profile.subsampling()))
                .put("restart_interval", profile.restartInterval()).put("width", profile.width()).put("height", profile.height());
        writeAtomically(json.writeValueAsBytes(p), out.resolve("jpeglm_profile.json"));
        ObjectNode meta = json.createObjectNode()
                .put("dataset", "fashion-mnist").put("size", size).put("vocab_size", tokenizer.vocabSize())
                .put("merges", tokenizer.mergeCount()).put("bos_id", tokenizer.bosId()).put("eos_id", tokenizer.eosId())
                .put("context", context).put("train_images", train.size()).put("test_images", test.size())
                .put("train_windows", trainWindows.windows()).put("test_windows", testWindows.windows())
                .put("bytes_per_image", mean(train.stream().mapToLong(b -> b.length).sum(), train.size()))
                .put("tokens_per_image", mean(trainTokens.stream().mapToLong(t -> t.length).sum(), train.size()))
                .put("max_tokens_per_image", trainTokens.stream().mapToInt(t -> t.length).max().orElse(0))
                .put("longer_than_context", trainTokens.stream().filter(t -> t.length > context).count())
                .put("test_bytes", test.stream().mapToLong(b -> b.length).sum())
                .put("test_tokens", testTokens.stream().mapToLong(t -> t.length).sum());
        writeAtomically(json.writeValueAsBytes(meta), out.resolve("meta.json"));
        System.err.printf(Locale.ROOT, "%d training images: %.1f bytes, %.1f tokens per image (BOS and EOS included); vocabulary %d; "
                        + "%d training and %d test windows of %d tokens in %s%n", train.size(), meta.get("bytes_per_image").asDouble(),
                meta.get("tokens_per_image").asDouble(), tokenizer.vocabSize(), trainWindows.windows(), testWindows.windows(),
                context, out);
        return 0;
    }

    private List<byte[]> encode(JpegEncoder encoder, List<FashionMnist.Item> items) {
        return items.parallelStream().map(i -> encoder.encode(FashionMnist.pad(i.image(), size))).toList();
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
        writeAtomically(buf.array(), path);
    }

    static void writeAtomically(byte[] bytes, Path path) throws IOException {
        Path tmp = path.resolveSibling("." + path.getFileName() + ".partial");
        try (OutputStream o = Files.newOutputStream(tmp)) {
            o.write(bytes);
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
