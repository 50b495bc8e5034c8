package org.jpeglm.eval;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * The one mapping from an image to the classifier's 28×28 input, applied alike to real and generated images:
 *
 * <ul>
 *   <li>28×28 (Fashion-MNIST as it comes): as it is;
 *   <li>32×32 (the bundled image model's size: Fashion-MNIST padded by 2 black pixels on every side,
 *       {@code FashionMnist.pad}): the centre 28×28, the inverse of that padding;
 *   <li>64×64 (the bundled video model's frames): each 2×2 block averaged (rounded half up) to 32×32, then as above.
 * </ul>
 *
 * <p>Gray images are read as their samples; colour images as JPEG's luma, (19595 R + 38470 G + 7471 B + 32768) >> 16
 * (never through Java's colour management, which would change gray levels). Values are pixel / 255.
 */
public final class ClassifierInput {
    /** The sizes the metric reads. */
    public static final String SIZES = "28x28, 32x32 or 64x64";

    private ClassifierInput() {}

    /** Whether image has a size the metric reads. */
    public static boolean accepts(BufferedImage image) {
        int w = image.getWidth();
        return w == image.getHeight() && (w == 28 || w == 32 || w == 64);
    }

    /** The classifier's input for image. */
    public static float[] of(BufferedImage image) {
        int w = image.getWidth();
        if (!accepts(image)) {
            throw new IllegalArgumentException("the quality metric reads images of " + SIZES + " pixels, not "
                    + image.getWidth() + "x" + image.getHeight());
        }
        int[] gray = gray(image);
        if (w == 64) {
            gray = halve(gray, 64);
            w = 32;
        }
        int side = FashionClassifier.SIDE;
        int border = (w - side) / 2;
        float[] out = new float[side * side];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                out[y * side + x] = gray[(y + border) * w + x + border] / 255f;
            }
        }
        return out;
    }

    /** 8-bit gray values of image, row-major. */
    static int[] gray(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] out = new int[w * h];
        Raster r = image.getRaster();
        if (r.getNumBands() == 1 && !(image.getColorModel() instanceof IndexColorModel)) {
            int shift = Math.max(0, r.getSampleModel().getSampleSize(0) - 8);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = r.getSample(x, y, 0) >> shift;
                }
            }
            return out;
        }
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = image.getRGB(x, y);
                out[y * w + x] =
                        (19595 * ((rgb >> 16) & 0xff) + 38470 * ((rgb >> 8) & 0xff) + 7471 * (rgb & 0xff) + 32768)
                                >> 16;
            }
        }
        return out;
    }

    /** The mean of each 2×2 block, rounded half up. */
    private static int[] halve(int[] gray, int side) {
        int h = side / 2;
        int[] out = new int[h * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < h; x++) {
                int i = 2 * y * side + 2 * x;
                out[y * h + x] = (gray[i] + gray[i + 1] + gray[i + side] + gray[i + side + 1] + 2) >> 2;
            }
        }
        return out;
    }
}
