package org.jpeglm.cli;

import java.util.Locale;
import org.jpeglm.train.FashionMnist;
import org.jpeglm.train.FashionMnistPreparation;
import org.jpeglm.train.PixelImages;
import org.jpeglm.train.PixelPreparation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jpeglm prepare-fashion-mnist}: the bundled model's training data, or a pixel codec's (see train/README.md). */
@Command(
        name = "prepare-fashion-mnist",
        sortOptions = false,
        description = "Encode Fashion-MNIST (or, for the pixel codecs, a folder of images) as token windows for "
                + "train_llama.py (tokenizer and profile included): "
                + "as Jpeg-LM's JPEG bytes, or as pixels (igpt, bpe-igpt).",
        footer = {
            "",
            "Examples:",
            "  jpeglm prepare-fashion-mnist -o train/data --size 32 --quality 25 --merges 320",
            "  jpeglm prepare-fashion-mnist -o data-igpt --codec igpt --levels 4",
            "  jpeglm prepare-fashion-mnist -o data-bpe-igpt --codec bpe-igpt --levels 4",
            "  jpeglm prepare-fashion-mnist -o data-rgb --codec igpt --palette kmeans:16 \\",
            "      --image-folder pictures --size 32"
        })
public final class PrepareFashionMnistCommand extends JpeglmCommand {
    @Mixin
    PrepareArgs dirs;

    @Option(
            names = "--codec",
            description =
                    "jpeg (the bundled model's), igpt (one token a pixel, K gray levels or k-means colours) or bpe-igpt (BPE over "
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

    @Option(names = "--levels", description = "igpt, bpe-igpt: gray levels K, as --palette gray:K (default: 4)")
    Integer levels;

    @Option(
            names = "--palette",
            paramLabel = "gray:K|kmeans:K",
            description = "igpt, bpe-igpt: K evenly spaced gray levels, or K colours learned by k-means on the RGB "
                    + "pixels of the --bpe-images first training images (default: gray:4)")
    String palette;

    @Option(names = "--seed", description = "--palette kmeans: k-means++'s seed (default: 0)")
    Long seed;

    @Option(
            names = "--image-folder",
            paramLabel = "DIR",
            description = "igpt, bpe-igpt: read the images (PNG, JPEG, BMP, GIF; colour kept) from DIR/train and "
                    + "DIR/test in file-name order, fitted to --size, instead of Fashion-MNIST")
    java.nio.file.Path imageFolder;

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
            refusePixelOptions();
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
        PixelPreparation.Options options = pixelOptions();
        PixelPreparation.Result r = new PixelPreparation(options).run();
        String what = codec + " with " + options.palette().size()
                + (options.palette() instanceof PixelPreparation.PaletteRecipe.KMeans
                        ? " k-means colours, "
                        : " gray levels, ");
        report(r.trainImages(), what, r.tokensPerImage(), r.vocabSize(), r.trainWindows(), r.testWindows());
        return 0;
    }

    private PixelPreparation.Options pixelOptions() {
        if (quality != null) {
            throw new IllegalArgumentException("--quality is a jpeg option, not " + codec + "'s");
        }
        int side = size == null ? 28 : size;
        PixelPreparation.PaletteRecipe recipe = paletteRecipe();
        int symbols = recipe.size();
        int m = switch (codec) {
            case "igpt" -> {
                if (merges != null && merges != 0) {
                    throw new IllegalArgumentException("igpt has no merges (use --codec bpe-igpt), not " + merges);
                }
                yield 0;
            }
            case "bpe-igpt" -> {
                int chosen = merges == null
                        ? PixelPreparation.mergesForVocabulary(PixelPreparation.JPEG_VOCABULARY, symbols)
                        : merges;
                if (chosen < 1) {
                    throw new IllegalArgumentException("bpe-igpt needs merges (--codec igpt has none), not " + chosen);
                }
                yield chosen;
            }
            default -> throw new IllegalArgumentException("--codec is jpeg, igpt or bpe-igpt, not '" + codec + "'");
        };
        context = context != null ? context : m == 0 ? side * side + 1 : PixelPreparation.BPE_IGPT_CONTEXT;
        if (imageFolder != null && !dirs.data.equals(FashionMnist.DEBIAN_DIR)) {
            throw new IllegalArgumentException("--data names Fashion-MNIST, --image-folder other images: give one");
        }
        PixelImages data = imageFolder != null
                ? new PixelImages.ImageFolder(imageFolder)
                : new PixelImages.FashionMnistImages(dirs.data);
        return new PixelPreparation.Options(data, dirs.out, images, testImages, side, recipe, m, bpeImages, context);
    }

    /** --palette gray:K or kmeans:K, or --levels K (gray), or gray:4. */
    private PixelPreparation.PaletteRecipe paletteRecipe() {
        if (seed != null && (palette == null || !palette.startsWith("kmeans"))) {
            throw new IllegalArgumentException("--seed seeds --palette kmeans:K's k-means; gray levels have none");
        }
        if (palette == null) {
            return new PixelPreparation.PaletteRecipe.Gray(levels == null ? 4 : levels);
        }
        if (levels != null) {
            throw new IllegalArgumentException("--levels K is --palette gray:K: give one of them");
        }
        int colon = palette.indexOf(':');
        String kind = colon < 0 ? palette : palette.substring(0, colon);
        int k;
        try {
            k = colon < 0 ? -1 : Integer.parseInt(palette.substring(colon + 1));
        } catch (NumberFormatException e) {
            k = -1;
        }
        if (k < 0 || !(kind.equals("gray") || kind.equals("kmeans"))) {
            throw new IllegalArgumentException(
                    "--palette is gray:K or kmeans:K (K colours, 2..256), not '" + palette + "'");
        }
        return kind.equals("gray")
                ? new PixelPreparation.PaletteRecipe.Gray(k)
                : new PixelPreparation.PaletteRecipe.KMeans(k, seed == null ? 0 : seed);
    }

    /** The pixel codecs' options given with --codec jpeg. */
    private void refusePixelOptions() {
        String given = levels != null
                ? "--levels"
                : palette != null
                        ? "--palette"
                        : imageFolder != null ? "--image-folder" : seed != null ? "--seed" : null;
        if (given != null) {
            throw new IllegalArgumentException(given + " is an igpt and bpe-igpt option, not jpeg's");
        }
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
