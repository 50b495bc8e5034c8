package org.jpeglm.cli;

import java.util.Locale;
import org.jpeglm.train.FashionMnistPreparation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jpeglm prepare-fashion-mnist}: the bundled model's training data (see train/README.md). */
@Command(
        name = "prepare-fashion-mnist",
        sortOptions = false,
        description = "Encode Fashion-MNIST as Jpeg-LM token windows (tokenizer and profile included).",
        footer = {"", "Example:", "  jpeglm prepare-fashion-mnist -o train/data --size 32 --quality 25 --merges 320"})
public final class PrepareFashionMnistCommand extends JpeglmCommand {
    @Mixin
    PrepareArgs dirs;

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

    @Option(
            names = "--bpe-images",
            description = "images the BPE is learned from (default: ${DEFAULT-VALUE}, as the paper's 10K)")
    int bpeImages = 10000;

    @Option(
            names = {"-c", "--ctx-size"},
            description = "window length in tokens (default: ${DEFAULT-VALUE})")
    int context = 256;

    @Override
    protected int run() throws Exception {
        var options = new FashionMnistPreparation.Options(
                dirs.data, dirs.out, images, testImages, size, quality, merges, bpeImages, context);
        FashionMnistPreparation.Result r = new FashionMnistPreparation(options).run();
        err().printf(
                        Locale.ROOT,
                        "%d training images: %.1f bytes, %.1f tokens per image (BOS and EOS included); vocabulary %d; "
                                + "%d training and %d test windows of %d tokens in %s%n",
                        r.trainImages(),
                        r.bytesPerImage(),
                        r.tokensPerImage(),
                        r.vocabSize(),
                        r.trainWindows(),
                        r.testWindows(),
                        context,
                        dirs.out);
        return 0;
    }
}
