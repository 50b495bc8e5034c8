package org.jpeglm.train;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST's IDX files (Debian package dataset-fashion-mnist: 60,000 training and 10,000 test images,
 * 28×28 gray, white clothing on black).
 */
public final class FashionMnist {
    private FashionMnist() {}

    /** Where Debian installs the dataset. */
    /** The side of a Fashion-MNIST image. */
    public static final int SIDE = 28;

    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, by label. */
    public static final List<String> LABELS = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** One image and its label. */
    public record Item(BufferedImage image, int label) {}

    /** The training (60,000) or test (10,000) split from dir, first limit items (all if limit &lt; 0). */
    public static List<Item> read(Path dir, boolean train, int limit) throws IOException {
        String prefix = train ? "train" : "t10k";
        Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
        if (!Files.isRegularFile(images) || !Files.isRegularFile(labels)) {
            throw new IOException(
                    "Fashion-MNIST not found in " + dir + " (install the Debian package dataset-fashion-mnist)");
        }
        try (DataInputStream img = open(images);
                DataInputStream lab = open(labels)) {
            if (img.readInt() != 0x803 || lab.readInt() != 0x801) {
                throw new IOException("not Fashion-MNIST IDX files: " + images + ", " + labels);
            }
            int count = img.readInt();
            int rows = img.readInt();
            int cols = img.readInt();
            if (lab.readInt() != count || rows <= 0 || cols <= 0 || rows > 1024 || cols > 1024) {
                throw new IOException("inconsistent IDX headers in " + dir);
            }
            int n = limit < 0 ? count : Math.min(limit, count);
            List<Item> items = new ArrayList<>(n);
            byte[] pixels = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                img.readFully(pixels);
                BufferedImage b = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
                b.getRaster().setDataElements(0, 0, cols, rows, pixels);
                items.add(new Item(b, lab.readUnsignedByte()));
            }
            return items;
        }
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(p), 1 << 16);
        return new DataInputStream(new BufferedInputStream(in, 1 << 16));
    }

    /** image centred on a black canvas of size×size (Fashion-MNIST's background is black), without resampling. */
    public static BufferedImage pad(BufferedImage image, int size) {
        if (image.getWidth() > size || image.getHeight() > size) {
            throw new IllegalArgumentException(
                    "image " + image.getWidth() + "x" + image.getHeight() + " is larger than " + size);
        }
        BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        int x = (size - image.getWidth()) / 2;
        int y = (size - image.getHeight()) / 2;
        out.getRaster().setRect(x, y, image.getRaster());
        return out;
    }
}
