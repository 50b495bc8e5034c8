package org.jpeglm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.IgptProfileFile;
import org.jpeglm.codec.igpt.IgptSpec;
import org.jpeglm.codec.igpt.Palette;
import org.jpeglm.codec.igpt.PixelStreams;
import org.jpeglm.jpeg.JpegImages;

/**
 * Fashion-MNIST (or a folder of images, {@link PixelImages}) as training data of the pixel codecs, in the files
 * {@link FashionMnistPreparation} writes for JPEG (so {@code train/train_llama.py} reads either): every image
 * size×size (Fashion-MNIST padded on its black background; 28: as it is), each pixel the nearest entry of a palette
 * of K, one symbol a pixel in raster order ({@link PixelStreams}). The palette is iGPT's: K evenly spaced gray
 * levels ({@link PaletteRecipe.Gray}), or K colours learned by k-means on the training pixels
 * ({@link PaletteRecipe.KMeans}).
 *
 * <ul>
 *   <li>{@code igpt} (no merges): one token a pixel, every image BOS + W·H + EOS tokens; each image is one window
 *       ({@link TokenWindows#aligned}), so the context is W·H + 1 and every window starts at BOS.</li>
 *   <li>{@code bpe-igpt} (merges &gt; 0): a BPE over the K symbols learned on the first training images, the token
 *       sequences concatenated into windows as for JPEG.</li>
 * </ul>
 *
 * Writes {@code train.u16}, {@code test.u16}, {@code tokenizer.json}, {@code meta.json} and
 * {@value IgptProfileFile#FILE_NAME}. In meta.json {@code test_bytes} counts pixels, so the trainer's "bits/byte" is
 * bits per pixel.
 */
public final class PixelPreparation {
    /** The vocabulary of the bundled JPEG model (256 bytes + 320 merges + BOS + EOS), which bpe-igpt matches. */
    public static final int JPEG_VOCABULARY = 578;

    /** Fashion-MNIST where Debian's dataset-fashion-mnist puts it. */
    public static final PixelImages FASHION_MNIST = new PixelImages.FashionMnistImages(FashionMnist.DEBIAN_DIR);

    /** bpe-igpt's windows (the JPEG recipe's are 256 tokens of ~139-token images). */
    public static final int BPE_IGPT_CONTEXT = 512;

    /** How the palette's K entries are chosen. */
    public sealed interface PaletteRecipe {
        /** K, the palette's entries (the codec's symbols). */
        int size();

        /**
         * K gray levels spread evenly over 0..255 ({@link Palette#gray}): gray data's palette.
         *
         * @param size K, 2..256
         */
        record Gray(int size) implements PaletteRecipe {
            public Gray {
                checkSize("levels", size);
            }
        }

        /**
         * K colours learned by {@link Palette#kMeans} on the RGB pixels of the images the BPE is learned from (the
         * first {@code bpeImages} training images): colour data's palette. The same images and seed give the same
         * palette.
         *
         * @param size K, 2..256
         * @param seed k-means++'s seed
         */
        record KMeans(int size, long seed) implements PaletteRecipe {
            public KMeans {
                checkSize("k-means colours", size);
            }
        }

        private static void checkSize(String what, int size) {
            if (size < Palette.MIN_SIZE || size > Palette.MAX_SIZE) {
                throw new IllegalArgumentException(
                        what + " must be " + Palette.MIN_SIZE + ".." + Palette.MAX_SIZE + ", got " + size);
            }
        }
    }

    /**
     * What to prepare.
     *
     * @param data where the images come from
     * @param out the output directory
     * @param images training images, or -1 for all (Fashion-MNIST's 60,000)
     * @param testImages test images, or -1 for all (Fashion-MNIST's 10,000)
     * @param size the image side after padding (28: no padding)
     * @param palette how the K palette entries are chosen
     * @param merges BPE merges: 0 for igpt, more for bpe-igpt
     * @param bpeImages the training images the BPE (and a k-means palette) is learned from
     * @param context the window length in tokens; igpt's must be size² + 1
     */
    public record Options(
            PixelImages data,
            java.nio.file.Path out,
            int images,
            int testImages,
            int size,
            PaletteRecipe palette,
            int merges,
            int bpeImages,
            int context) {
        public Options {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(palette, "palette");
            if (images < -1 || testImages < -1) {
                throw new IllegalArgumentException("image counts must be >= 0 (or -1 for all)");
            }
            if (size < FashionMnist.SIDE || size > IgptProfile.MAX_SIDE) {
                throw new IllegalArgumentException(
                        "size must be " + FashionMnist.SIDE + ".." + IgptProfile.MAX_SIDE + ", got " + size);
            }
            if (merges < 0 || bpeImages < 1 || context < 2) {
                throw new IllegalArgumentException("merges must be >= 0, BPE images >= 1 and context >= 2");
            }
            if (merges == 0 && context != size * size + 1) {
                throw new IllegalArgumentException("igpt's windows are one image each: the context must be "
                        + (size * size + 1) + " (BOS and " + size * size + " pixels; EOS is the last label), not "
                        + context);
            }
        }

        /** igpt on all of Fashion-MNIST at 28×28 with K levels: windows of one image (785 + 1 tokens). */
        public static Options igpt(java.nio.file.Path out, int levels) {
            return new Options(FASHION_MNIST, out, -1, -1, 28, new PaletteRecipe.Gray(levels), 0, 10000, 28 * 28 + 1);
        }

        /** bpe-igpt with as many tokens as the JPEG model (578 − K − 2 merges), BPE on 10K images, windows of 512. */
        public static Options bpeIgpt(java.nio.file.Path out, int levels) {
            return new Options(
                    FASHION_MNIST,
                    out,
                    -1,
                    -1,
                    28,
                    new PaletteRecipe.Gray(levels),
                    mergesForVocabulary(JPEG_VOCABULARY, levels),
                    10000,
                    BPE_IGPT_CONTEXT);
        }

        /** igpt or bpe-igpt. */
        public String codec() {
            return merges == 0 ? IgptSpec.IGPT : IgptSpec.BPE_IGPT;
        }
    }

    /** The merges that give a tokenizer over K symbols (with BOS and EOS) this vocabulary. */
    public static int mergesForVocabulary(int vocabulary, int levels) {
        int merges = vocabulary - levels - 2;
        if (merges < 1) {
            throw new IllegalArgumentException(
                    "a vocabulary of " + vocabulary + " leaves no merges beside " + levels + " levels, BOS and EOS");
        }
        return merges;
    }

    /** What was written. */
    public record Result(
            String codec,
            int trainImages,
            int testImages,
            int vocabSize,
            double tokensPerImage,
            int maxTokensPerImage,
            int trainWindows,
            int testWindows) {}

    private final Options options;

    public PixelPreparation(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** The profile: size×size with the recipe's palette (k-means learned on trainImages). */
    IgptProfile profile(List<BufferedImage> trainImages) {
        Palette palette = switch (options.palette()) {
            case PaletteRecipe.Gray g -> Palette.gray(g.size());
            case PaletteRecipe.KMeans k -> {
                List<BufferedImage> sample = trainImages.subList(0, Math.min(options.bpeImages(), trainImages.size()));
                yield Palette.kMeans(rgbPixels(sample), k.size(), k.seed());
            }
        };
        return new IgptProfile(options.size(), options.size(), palette);
    }

    /** Reads, learns the palette, quantizes, learns the BPE (bpe-igpt), packs and writes everything. */
    public Result run() throws IOException {
        List<BufferedImage> trainImages = options.data().read(true, options.images(), options.size());
        List<BufferedImage> testImages = options.data().read(false, options.testImages(), options.size());
        IgptProfile profile = profile(trainImages);
        Files.createDirectories(options.out());
        List<byte[]> train = encode(trainImages, profile);
        List<byte[]> test = encode(testImages, profile);
        int symbols = options.palette().size();
        BpeTokenizer tokenizer = new BpeTrainer(
                        options.merges(), 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS, symbols)
                .train(train.subList(0, Math.min(options.bpeImages(), train.size())));
        var contents = new IgptProfileFile.Contents(options.codec(), profile);
        contents.spec(tokenizer); // the tokenizer fits the palette and the codec
        IgptProfileFile.write(options.out().resolve(IgptProfileFile.FILE_NAME), contents);
        ObjectNode head = new ObjectMapper()
                .createObjectNode()
                .put("dataset", options.data().dataset())
                .put("codec", options.codec())
                .put("size", options.size())
                .put("levels", symbols);
        if (options.palette() instanceof PaletteRecipe.KMeans k) {
            head.put("palette", "kmeans").put("palette_seed", k.seed());
        }
        CodecCorpus.Packing packing =
                options.merges() == 0 ? CodecCorpus.Packing.ALIGNED : CodecCorpus.Packing.CONCATENATED;
        head.put("packing", packing.name().toLowerCase(java.util.Locale.ROOT));
        CodecCorpus.Written w =
                CodecCorpus.write(options.out(), tokenizer, train, test, options.context(), packing, head);
        return new Result(
                options.codec(),
                train.size(),
                test.size(),
                tokenizer.vocabSize(),
                w.tokensPerImage(),
                w.maxTokensPerImage(),
                w.trainWindows(),
                w.testWindows());
    }

    private static List<byte[]> encode(List<BufferedImage> images, IgptProfile profile) {
        return images.parallelStream().map(i -> PixelStreams.encode(i, profile)).toList();
    }

    /** The images' pixels as {@code 0xRRGGBB}, image after image in raster order (gray replicated). */
    private static int[] rgbPixels(List<BufferedImage> images) {
        int[] out = new int
                [images.stream().mapToInt(i -> i.getWidth() * i.getHeight()).sum()];
        int at = 0;
        for (BufferedImage image : images) {
            byte[] bgr = ((DataBufferByte) JpegImages.bgr(image).getRaster().getDataBuffer()).getData();
            for (int i = 0; i < bgr.length; i += 3) {
                out[at++] = (bgr[i + 2] & 0xFF) << 16 | (bgr[i + 1] & 0xFF) << 8 | bgr[i] & 0xFF;
            }
        }
        return out;
    }
}
