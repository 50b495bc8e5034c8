package org.jpeglm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.codec.jpeg.JpegProfileFile;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;

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
        JpegProfileFile.write(out.resolve(JpegProfileFile.FILE_NAME), profile, null);
        ObjectNode head = new ObjectMapper()
                .createObjectNode()
                .put("dataset", "fashion-mnist")
                .put("size", size);
        CodecCorpus.Written w =
                CodecCorpus.write(out, tokenizer, train, test, context, CodecCorpus.Packing.CONCATENATED, head);
        return new Result(
                train.size(),
                test.size(),
                tokenizer.vocabSize(),
                w.bytesPerImage(),
                w.tokensPerImage(),
                w.trainWindows(),
                w.testWindows());
    }

    private List<byte[]> encode(JpegEncoder encoder, List<FashionMnist.Item> items) {
        return items.parallelStream()
                .map(i -> encoder.encode(FashionMnist.pad(i.image(), options.size())))
                .toList();
    }
}
