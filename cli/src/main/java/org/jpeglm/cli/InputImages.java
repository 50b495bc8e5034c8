package org.jpeglm.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.train.FashionMnist;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Where the inputs of complete and score come from: files (images, or videos for a video model), or Fashion-MNIST's
 * test split. Each is fitted to
 * the model's size as soon as it is read, so only one full-size image is in memory at a time.
 */
final class InputImages {
    /** Images in Fashion-MNIST's test split. */
    static final int FASHION_MNIST_TEST = 10_000;

    @Parameters(
            paramLabel = "INPUT",
            arity = "0..*",
            description = "image files (PNG, JPEG, BMP, GIF) of at most 64 megapixels, fitted to the model's size; "
                    + "with a video model, video files ffmpeg reads (MP4, GIF, WebM, .h264, ...)")
    List<Path> files = new ArrayList<>();

    @Option(
            names = {"-i", "--input"},
            paramLabel = "FILE",
            description = "an input file, as INPUT; repeat for several")
    List<Path> named = new ArrayList<>();

    @Option(
            names = "--fashion-mnist",
            paramLabel = "N",
            description =
                    "image models: use the first N test images of Fashion-MNIST, 1 to 10000 (padded to the model's "
                            + "size, as in training)")
    int fashionMnist;

    @Option(
            names = "--offset",
            paramLabel = "I",
            description = "image models, with --fashion-mnist: start at test image I (default: 0)")
    int offset;

    /** How many images the options name; checked, before anything is loaded. */
    int count() {
        if (fashionMnist < 0 || offset < 0) {
            throw new IllegalArgumentException("--fashion-mnist and --offset must not be negative");
        }
        if (offset > 0 && fashionMnist == 0) {
            throw new IllegalArgumentException(
                    "--offset applies to --fashion-mnist only; it cannot select among INPUT files");
        }
        if ((long) offset + fashionMnist > FASHION_MNIST_TEST) {
            throw new IllegalArgumentException("--fashion-mnist " + fashionMnist
                    + (offset > 0 ? " --offset " + offset : "") + ": the test split " + "has " + FASHION_MNIST_TEST
                    + " images, so --offset + --fashion-mnist must be at most " + FASHION_MNIST_TEST);
        }
        int n = paths().size() + fashionMnist;
        if (n == 0) {
            throw new IllegalArgumentException("no input images: give INPUT files or --fashion-mnist N");
        }
        return n;
    }

    /** The files given, as arguments then with -i, in that order. */
    List<Path> paths() {
        List<Path> all = new ArrayList<>(files);
        all.addAll(named);
        return all;
    }

    /** The options naming the inputs of one codec only: Fashion-MNIST's images. */
    static final List<String> IMAGE_ONLY = List.of("--fashion-mnist", "--offset");

    /** The images, fitted to profile's size. */
    List<BufferedImage> load(JpegProfile profile) throws IOException {
        return load(profile.width(), profile.height(), Limits.bytesPerImage(profile));
    }

    /** The images, fitted to width×height; bytesEach: the heap one takes. */
    List<BufferedImage> load(int width, int height, long bytesEach) throws IOException {
        int n = count();
        Limits.requireHeap(n, bytesEach, "input images");
        List<BufferedImage> out = new ArrayList<>(n);
        for (Path f : paths()) {
            out.add(JpegImages.fit(read(f), width, height));
        }
        if (fashionMnist > 0) {
            if (width != height || width < FashionMnist.SIDE) {
                throw new IllegalArgumentException(
                        "--fashion-mnist needs a model of square images of at least 28x28, this one is " + width + "x"
                                + height);
            }
            for (FashionMnist.Item item : FashionMnist.read(FashionMnist.DEBIAN_DIR, false, offset + fashionMnist)
                    .subList(offset, offset + fashionMnist)) {
                out.add(FashionMnist.pad(item.image(), width));
            }
        }
        return out;
    }

    /** Reads one image file (any format ImageIO reads), refusing one too large to decode before decoding it. */
    static BufferedImage read(Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new IllegalArgumentException("no such image file: " + f);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new IllegalArgumentException(f + " is not an image (no reader for its format)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = pixels(f, reader);
                if (pixels > Limits.MAX_INPUT_PIXELS) {
                    throw new IllegalArgumentException(String.format(
                            Locale.ROOT,
                            "%s is %dx%d pixels (%.0f megapixels): images of at "
                                    + "most %d megapixels are read (each is decoded whole, then fitted to the model's size)",
                            f,
                            reader.getWidth(0),
                            reader.getHeight(0),
                            pixels / 1048576.0,
                            Limits.MAX_INPUT_PIXELS >> 20));
                }
                try {
                    return JpegImages.readWhole(reader);
                } catch (IOException | RuntimeException | OutOfMemoryError e) {
                    if (outOfMemory(e)) {
                        throw new IllegalArgumentException(String.format(
                                Locale.ROOT,
                                "%s (%dx%d pixels) does not fit in the Java heap "
                                        + "(%s) to be decoded; use a smaller image, or a larger heap, e.g. JAVA_TOOL_OPTIONS=-Xmx4g",
                                f,
                                reader.getWidth(0),
                                reader.getHeight(0),
                                Limits.heap()));
                    }
                    throw unreadable(f, e);
                }
            } finally {
                reader.dispose();
            }
        }
    }

    /** The image's pixels, from its header alone. */
    private static long pixels(Path f, ImageReader reader) {
        try {
            return (long) reader.getWidth(0) * reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw unreadable(f, e);
        }
    }

    /** Whether e is, or was caused by, an OutOfMemoryError (ImageIO wraps it in an IIOException). */
    private static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /** ImageIO's message and its causes' ("Caught exception during read:" alone says nothing). */
    private static IllegalArgumentException unreadable(Path f, Throwable e) {
        StringBuilder s = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (s.length() > 0) {
                s.append(": ");
            }
            s.append(
                    m == null || m.isBlank()
                            ? t.getClass().getSimpleName()
                            : m.strip().replaceAll(":$", ""));
        }
        return new IllegalArgumentException(f + " is not a readable image: " + s);
    }
}
