package org.jpeglm.cli;

import java.util.Locale;
import org.jpeglm.train.FashionMnistPreparation;
import org.jpeglm.train.PixelPreparation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jpeglm prepare-fashion-mnist}: the bundled model's training data, or a pixel codec's (see train/README.md). */
@Command(
        name = "prepare-fashion-mnist",
        sortOptions = false,
        description = "Encode Fashion-MNIST as token windows for train_llama.py (tokenizer and profile included): "
                + "as Jpeg-LM's JPEG bytes, or as pixels (igpt, bpe-igpt).",
        footer = {
            "",
            "Examples:",
            "  jpeglm prepare-fashion-mnist -o train/data --size 32 --quality 25 --merges 320",
            "  jpeglm prepare-fashion-mnist -o data-igpt --codec igpt --levels 4",
            "  jpeglm prepare-fashion-mnist -o data-bpe-igpt --codec bpe-igpt --levels 4"
        })
public final class PrepareFashionMnistCommand extends JpeglmCommand {
    @Mixin
    PrepareArgs dirs;

    @Option(
            names = "--codec",
            description = "jpeg (the bundled model's), igpt (one token a pixel, K gray levels) or bpe-igpt (BPE over "
                    + "those pixels) (default: ${DEFAULT-VALUE})")
    String codec = "jpeg";

    @Option(names = "--images", description = "training images (default: all 60000)")
    int images = -1;

    @Option(names = "--test-images", description = "test images (default: all 10000)")
    int testImages = -1;

    @Option(names = "--size", description = "image side after padding (default: 32 for jpeg, 28 for the pixel codecs)")
    Integer size;

    @Option(names = "--quality", description = "jpeg: JPEG quality (default: 25)")
    Integer quality;

    @Option(names = "--levels", description = "igpt, bpe-igpt: gray levels K (default: ${DEFAULT-VALUE})")
    int levels = 4;

    @Option(
            names = "--merges",
            description = "BPE merges (default: 320 for jpeg, none for igpt, 578-K-2 for bpe-igpt: the jpeg "
                    + "model's vocabulary of 578)")
    Integer merges;

    @Option(
            names = "--bpe-images",
            description = "images the BPE is learned from (default: ${DEFAULT-VALUE}, as the paper's 10K)")
    int bpeImages = 10000;

    @Option(
            names = {"-c", "--ctx-size"},
            description = "window length in tokens (default: 256 for jpeg, 512 for bpe-igpt; igpt: one image a "
                    + "window, size*size+1)")
    Integer context;

    @Override
    protected int run() throws Exception {
        if (codec.equals("jpeg")) {
            if (merges == null) merges = 320;
            if (context == null) context = 256;
            var options = new FashionMnistPreparation.Options(
                    dirs.data,
                    dirs.out,
                    images,
                    testImages,
                    size == null ? 32 : size,
                    quality == null ? 25 : quality,
                    merges,
                    bpeImages,
                    context);
            FashionMnistPreparation.Result r = new FashionMnistPreparation(options).run();
            String bytes = String.format(Locale.ROOT, "%.1f bytes, ", r.bytesPerImage());
            report(r.trainImages(), bytes, r.tokensPerImage(), r.vocabSize(), r.trainWindows(), r.testWindows());
            return 0;
        }
        PixelPreparation.Result r = new PixelPreparation(pixelOptions()).run();
        String what = codec + " with " + levels + " gray levels, ";
        report(r.trainImages(), what, r.tokensPerImage(), r.vocabSize(), r.trainWindows(), r.testWindows());
        return 0;
    }

    private PixelPreparation.Options pixelOptions() {
        if (quality != null) {
            throw new IllegalArgumentException("--quality is a jpeg option, not " + codec + "'s");
        }
        int side = size == null ? 28 : size;
        int m = switch (codec) {
            case "igpt" -> {
                if (merges != null && merges != 0) {
                    throw new IllegalArgumentException("igpt has no merges (use --codec bpe-igpt), not " + merges);
                }
                yield 0;
            }
            case "bpe-igpt" -> {
                int chosen = merges == null
                        ? PixelPreparation.mergesForVocabulary(PixelPreparation.JPEG_VOCABULARY, levels)
                        : merges;
                if (chosen < 1) {
                    throw new IllegalArgumentException("bpe-igpt needs merges (--codec igpt has none), not " + chosen);
                }
                yield chosen;
            }
            default -> throw new IllegalArgumentException("--codec is jpeg, igpt or bpe-igpt, not '" + codec + "'");
        };
        context = context != null ? context : m == 0 ? side * side + 1 : PixelPreparation.BPE_IGPT_CONTEXT;
        return new PixelPreparation.Options(
                dirs.data, dirs.out, images, testImages, side, levels, m, bpeImages, context);
    }

    /** One line: what was written, e.g. "60000 training images: 228.1 bytes, 138.9 tokens per image ...". */
    private void report(
            int trainImages, String what, double tokensPerImage, int vocabSize, int trainWindows, int testWindows) {
        err().printf(
                        Locale.ROOT,
                        "%d training images: %s%.1f tokens per image (BOS and EOS included); vocabulary %d; "
                                + "%d training and %d test windows of %d tokens in %s%n",
                        trainImages,
                        what,
                        tokensPerImage,
                        vocabSize,
                        trainWindows,
                        testWindows,
                        context,
                        dirs.out);
    }
}
