package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.train.FashionMnist;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Where the input images of complete and score come from: files, or Fashion-MNIST's test split. */
final class InputImages {
    @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "image files (PNG, JPEG, BMP, GIF); fitted to the model's size")
    List<Path> files = new ArrayList<>();

    @Option(names = "--fashion-mnist", paramLabel = "N",
            description = "use the first N test images of Fashion-MNIST (padded to the model's size, as in training)")
    int fashionMnist;

    @Option(names = "--offset", paramLabel = "I", description = "with --fashion-mnist: start at test image I (default: 0)")
    int offset;

    List<BufferedImage> load(JpegProfile profile) throws IOException {
        if (fashionMnist < 0 || offset < 0) {
            throw new IllegalArgumentException("--fashion-mnist and --offset must not be negative");
        }
        List<BufferedImage> out = new ArrayList<>(Outputs.readImages(files));
        if (fashionMnist > 0) {
            if (profile.width() != profile.height() || profile.width() < 28) {
                throw new IllegalArgumentException("--fashion-mnist needs a model of square images of at least 28x28, this one is "
                        + profile.width() + "x" + profile.height());
            }
            for (FashionMnist.Item item : FashionMnist.read(FashionMnist.DEBIAN_DIR, false, offset + fashionMnist).subList(offset,
                    Math.min(10_000, offset + fashionMnist))) {
                out.add(FashionMnist.pad(item.image(), profile.width()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no input images: give IMAGE files or --fashion-mnist N");
        }
        return out;
    }
}
