package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.jpeglm.image.GeneratorOptions;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ImageScore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "score",
        sortOptions = false,
        description =
                "Negative log-likelihood of images under a Jpeg-LM model: bits per image and bits per byte of their JPEG streams.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  jpeglm score --fashion-mnist 10000              # the bundled model's test-set bits per byte",
            "  jpeglm score a.png b.png -m model.gguf"
        })
public final class ScoreCommand extends JpeglmCommand {
    @Mixin
    ModelArgs modelArgs;

    @Mixin
    InputImages inputs;

    @Mixin
    ParallelArgs parallelArgs;

    @Option(names = "--each", description = "print every image's score, not only the totals")
    boolean each;

    public ScoreCommand() {}

    @Override
    protected int run() throws Exception {
        int n = inputs.count();
        Limits.requireCount("input images", n);
        modelArgs.check();
        GeneratorOptions options = GeneratorOptions.builder()
                .parallel(parallelArgs.forJobs(n))
                .threads(modelArgs.threads)
                .build();
        try (ImageModel model = modelArgs.load(err())) {
            List<BufferedImage> images = inputs.load(model.spec().profile());
            double bits = 0;
            long bytes = 0;
            long tokens = 0;
            try (ImageGenerator g = model.newGenerator(options);
                    Progress progress = new Progress(err(), "score", images.size(), "img")) {
                int chunk = options.parallel();
                for (int from = 0; from < images.size(); from += chunk) {
                    List<ImageScore> scores = g.score(images.subList(from, Math.min(images.size(), from + chunk)));
                    for (int k = 0; k < scores.size(); k++) {
                        ImageScore s = scores.get(k);
                        bits += s.bits();
                        bytes += s.bytes();
                        tokens += s.tokens();
                        if (each) {
                            out().printf(
                                            Locale.ROOT,
                                            "image %d: %.1f bits, %d bytes, %.4f bits/byte%n",
                                            from + k,
                                            s.bits(),
                                            s.bytes(),
                                            s.bitsPerByte());
                        }
                        progress.step(String.format(Locale.ROOT, "%.4f bits/byte", bits / bytes));
                    }
                }
            }
            out().printf(
                            Locale.ROOT,
                            "%d images: %.4f bits/byte, %.1f bits/image, %.4f nats/token (%d tokens, %d bytes)%n",
                            images.size(),
                            bits / bytes,
                            bits / images.size(),
                            bits * Math.log(2) / tokens,
                            tokens,
                            bytes);
            out().flush();
        }
        return 0;
    }
}
