package org.jpeglm.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.jpeglm.jpeg.JpegImages;

/** Where a pixel codec's training and test images come from: Fashion-MNIST (gray), or a folder of image files. */
public sealed interface PixelImages {
    /**
     * The first limit images (all if limit &lt; 0) of the training or the test split, each size×size.
     *
     * @throws IOException if the images cannot be read, naming the file
     */
    List<BufferedImage> read(boolean train, int limit, int size) throws IOException;

    /** The name meta.json gives the data set. */
    String dataset();

    /** Fashion-MNIST's IDX files in dir, each 28×28 image centred on black at size×size ({@link FashionMnist#pad}). */
    record FashionMnistImages(Path dir) implements PixelImages {
        public FashionMnistImages {
            Objects.requireNonNull(dir, "dir");
        }

        @Override
        public List<BufferedImage> read(boolean train, int limit, int size) throws IOException {
            return FashionMnist.read(dir, train, limit).stream()
                    .map(i -> FashionMnist.pad(i.image(), size))
                    .toList();
        }

        @Override
        public String dataset() {
            return "fashion-mnist";
        }
    }

    /**
     * Image files (any format ImageIO reads: PNG, JPEG, BMP, GIF) in {@code dir/train} and {@code dir/test}, taken in
     * file-name order, each scaled to cover size×size and centre-cropped ({@link JpegImages#fit}) unless it is that size, colour
     * kept.
     */
    record ImageFolder(Path dir) implements PixelImages {
        public ImageFolder {
            Objects.requireNonNull(dir, "dir");
        }

        @Override
        public List<BufferedImage> read(boolean train, int limit, int size) throws IOException {
            Path split = dir.resolve(train ? "train" : "test");
            if (!Files.isDirectory(split)) {
                throw new IOException("no folder " + split + ": an image folder holds train/ and test/ of images");
            }
            List<Path> files;
            try (Stream<Path> list = Files.list(split)) {
                files = list.filter(Files::isRegularFile).sorted().toList();
            }
            if (limit >= 0 && files.size() > limit) {
                files = files.subList(0, limit);
            }
            if (files.isEmpty()) {
                throw new IOException("no images in " + split);
            }
            List<BufferedImage> images = new ArrayList<>(files.size());
            for (Path file : files) {
                BufferedImage image = ImageIO.read(file.toFile());
                if (image == null) {
                    throw new IOException(file + " is not an image file this reads (PNG, JPEG, BMP, GIF)");
                }
                boolean fits = image.getWidth() == size && image.getHeight() == size;
                images.add(fits ? image : JpegImages.fit(image, size, size));
            }
            return images;
        }

        @Override
        public String dataset() {
            return "images";
        }
    }
}
