package org.jpeglm.train;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.codec.igpt.PixelStreams;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.jpeg.JpegEncoder;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;

/**
 * Each codec's floor: what a round trip through the codec alone loses, before any model (a model can at best write
 * the codec's images). Fashion-MNIST images go through igpt with K gray levels, or through the bundled JPEG profile
 * (padded to 32×32, gray, quality 25, a restart marker after every MCU; decoded and cropped back to 28×28), and are
 * compared with the originals pixel by pixel. The round-tripped images can also be written as PNG files, for the
 * quality metric ({@code jpeglm eval DIR}) to measure against the real ones.
 *
 * <pre>
 *   java -cp cli/target/jpeglm.jar org.jpeglm.train.CodecFloors [OUT [N]]    (train/codec-floors)
 * </pre>
 */
public final class CodecFloors {
    private CodecFloors() {}

    /** The gray levels the comparison chooses K from. */
    public static final List<Integer> LEVELS = List.of(4, 8, 16, 32);

    /**
     * A codec's loss over a set of images.
     *
     * @param codec e.g. {@code igpt-16}, {@code jpeg-q25}
     * @param mse mean squared error per pixel over all images (0..255 values)
     * @param psnr {@code 10·log10(255² / mse)}, in dB (infinite for a lossless round trip)
     * @param meanAbsoluteError mean |error| per pixel
     * @param exact the share of pixels that came back unchanged
     */
    public record Floor(String codec, double mse, double psnr, double meanAbsoluteError, double exact) {
        /** One Markdown table row. */
        public String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %.2f | %.2f | %.2f | %.1f %% |",
                    codec,
                    psnr,
                    mse,
                    meanAbsoluteError,
                    100 * exact);
        }
    }

    /** Each image through igpt with profile: quantized to its palette and back. */
    static List<BufferedImage> throughIgpt(List<BufferedImage> images, IgptProfile profile) {
        return images.parallelStream()
                .map(i -> PixelStreams.decode(PixelStreams.encode(i, profile), profile)
                        .image())
                .toList();
    }

    /**
     * Each 28×28 image through the bundled model's JPEG: padded to size×size, encoded gray at quality with a restart
     * marker after every MCU, decoded as generated images are, and the centre cropped back to the original size.
     */
    public static List<BufferedImage> throughJpeg(List<BufferedImage> images, int size, int quality) {
        JpegProfile profile = new JpegProfile(quality, Subsampling.GRAY, 1, size, size);
        JpegEncoder encoder = new JpegEncoder(profile);
        return images.parallelStream()
                .map(i -> {
                    BufferedImage decoded =
                            JpegImages.gray(JpegImages.decode(encoder.encode(FashionMnist.pad(i, size)), profile));
                    int x = (size - i.getWidth()) / 2;
                    int y = (size - i.getHeight()) / 2;
                    BufferedImage crop = new BufferedImage(i.getWidth(), i.getHeight(), BufferedImage.TYPE_BYTE_GRAY);
                    crop.getRaster().setRect(-x, -y, decoded.getRaster());
                    return crop;
                })
                .toList();
    }

    /** The loss of roundTripped against originals (same sizes, compared as gray samples). */
    public static Floor measure(String codec, List<BufferedImage> originals, List<BufferedImage> roundTripped) {
        if (originals.size() != roundTripped.size() || originals.isEmpty()) {
            throw new IllegalArgumentException(
                    "compare equal, non-empty sets: " + originals.size() + " and " + roundTripped.size() + " images");
        }
        double squared = 0;
        double absolute = 0;
        long same = 0;
        long pixels = 0;
        for (int k = 0; k < originals.size(); k++) {
            byte[] a = gray(originals.get(k));
            byte[] b = gray(roundTripped.get(k));
            if (a.length != b.length) {
                throw new IllegalArgumentException("image " + k + " changed size");
            }
            for (int i = 0; i < a.length; i++) {
                int d = (a[i] & 0xFF) - (b[i] & 0xFF);
                squared += d * d;
                absolute += Math.abs(d);
                same += d == 0 ? 1 : 0;
            }
            pixels += a.length;
        }
        double mse = squared / pixels;
        return new Floor(codec, mse, 10 * Math.log10(255.0 * 255.0 / mse), absolute / pixels, (double) same / pixels);
    }

    private static byte[] gray(BufferedImage image) {
        return ((DataBufferByte) JpegImages.gray(image).getRaster().getDataBuffer()).getData();
    }

    /** Writes the images as {@code 00000.png} … into a new folder. */
    public static void writePngs(List<BufferedImage> images, Path dir) throws IOException {
        Files.createDirectories(dir);
        IntStream.range(0, images.size()).parallel().forEach(k -> {
            try {
                AtomicFile.write(dir.resolve(String.format(Locale.ROOT, "%05d.png", k)), JpegImages.png(images.get(k)));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /**
     * The floors of the JPEG arm and of igpt at each of {@link #LEVELS} on the first N (default 10,000) test images,
     * as a Markdown table; with OUT, each codec's round-tripped images as PNGs in OUT/codec/.
     */
    public static void main(String[] args) throws IOException {
        Path out = args.length > 0 ? Path.of(args[0]) : null;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
        List<BufferedImage> originals = FashionMnist.read(FashionMnist.DEBIAN_DIR, false, n).stream()
                .map(FashionMnist.Item::image)
                .toList();
        List<Floor> floors = new ArrayList<>();
        floors.add(floor("jpeg-q25", originals, throughJpeg(originals, 32, 25), out));
        for (int k : LEVELS) {
            floors.add(floor("igpt-" + k, originals, throughIgpt(originals, IgptProfile.fashionMnist(k)), out));
        }
        PrintStream o = System.out;
        o.println("Codec floors on the first " + originals.size() + " Fashion-MNIST test images (28x28):");
        o.println("| codec | PSNR, dB | MSE | mean abs error | pixels unchanged |");
        o.println("|---|---:|---:|---:|---:|");
        floors.forEach(f -> o.println(f.row()));
    }

    private static Floor floor(String codec, List<BufferedImage> originals, List<BufferedImage> images, Path out)
            throws IOException {
        if (out != null) {
            writePngs(images, out.resolve(codec));
        }
        return measure(codec, originals, images);
    }
}
