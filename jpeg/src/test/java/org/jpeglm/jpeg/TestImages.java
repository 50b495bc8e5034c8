package org.jpeglm.jpeg;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/** Deterministic test images, resources, and the cjpeg oracle. */
final class TestImages {
    private TestImages() {}

    static byte[] resource(String path) {
        try (InputStream in = TestImages.class.getResourceAsStream("/jpeg/" + path)) {
            if (in == null) throw new IllegalStateException("missing test resource /jpeg/" + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage png(String path) {
        try {
            return ImageIO.read(new java.io.ByteArrayInputStream(resource(path)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage rgb(int w, int h) {
        return new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    }

    static BufferedImage gray(int w, int h) {
        return new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    }

    /** Uniform noise in every band. */
    static BufferedImage noise(int w, int h, long seed, boolean gray) {
        var img = gray ? gray(w, h) : rgb(w, h);
        var r = new SplittableRandom(seed);
        WritableRaster ras = img.getRaster();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int b = 0; b < ras.getNumBands(); b++) ras.setSample(x, y, b, r.nextInt(256));
        return img;
    }

    /** Smooth ramps with a little noise: compresses like a photo, not like a flat image. */
    static BufferedImage gradient(int w, int h, long seed, boolean gray) {
        var img = gray ? gray(w, h) : rgb(w, h);
        var r = new SplittableRandom(seed);
        WritableRaster ras = img.getRaster();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int b = 0; b < ras.getNumBands(); b++) {
                    int v = (x * (b + 1) * 255 / Math.max(1, w) + y * (3 - b) * 255 / Math.max(1, 2 * h)) / 2;
                    ras.setSample(x, y, b, Math.clamp(v + r.nextInt(9) - 4, 0, 255));
                }
        return img;
    }

    /** One colour everywhere. */
    static BufferedImage flat(int w, int h, int rgbColour, boolean gray) {
        var img = gray ? gray(w, h) : rgb(w, h);
        WritableRaster ras = img.getRaster();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (gray) ras.setSample(x, y, 0, rgbColour & 0xFF);
                else img.setRGB(x, y, rgbColour);
        return img;
    }

    /** Random-coloured rectangles: hard edges. */
    static BufferedImage blocks(int w, int h, long seed, boolean gray) {
        var img = gray ? gray(w, h) : rgb(w, h);
        var r = new SplittableRandom(seed);
        var g = img.createGraphics();
        for (int i = 0; i < 12; i++) {
            g.setColor(new java.awt.Color(r.nextInt(1 << 24)));
            g.fillRect(r.nextInt(w), r.nextInt(h), 1 + r.nextInt(w), 1 + r.nextInt(h));
        }
        g.dispose();
        return img;
    }

    /** Sample values of every pixel and band, for exact comparisons. */
    static int[] samples(BufferedImage img) {
        return img.getRaster().getPixels(0, 0, img.getWidth(), img.getHeight(), (int[]) null);
    }

    /** The first APP0 (JFIF) segment replaced by Pillow's, so encoders differing only there compare equal. */
    static byte[] normalizeApp0(byte[] jpeg) {
        JpegFile f = JpegParser.parse(jpeg);
        for (Segment s : f.segments()) {
            if (s.marker() == 0xE0) {
                var out = new ByteArrayOutputStream();
                out.write(jpeg, 0, s.offset());
                out.writeBytes(JpegSegments.APP0_JFIF);
                out.write(jpeg, s.end(), jpeg.length - s.end());
                return out.toByteArray();
            }
        }
        return jpeg;
    }

    /** Why a cjpeg test fails on a machine without it: the oracle is required, not optional. */
    static final String CJPEG_MISSING =
            "cjpeg (the JPEG oracle) is not installed: run scripts/install-prerequisites --test "
                    + "(it installs libjpeg-turbo-progs, as ./run-tests does)";

    static boolean cjpegAvailable() {
        try {
            Process p = new ProcessBuilder("cjpeg", "-version")
                    .redirectErrorStream(true)
                    .start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * What cjpeg writes for the image (RGB as PPM, gray as PGM) with the paper's options at this quality and
     * subsampling; the image must be TYPE_3BYTE_BGR or TYPE_BYTE_GRAY so its samples are its pixels.
     */
    static byte[] cjpeg(BufferedImage img, int quality, Subsampling s) {
        boolean gray = s.isGray();
        String sample = s.lumaH() == 2 ? "2x2,1x1,1x1" : "1x1,1x1,1x1";
        return cjpegWith(
                img, gray, "-quality", String.valueOf(quality), "-sample", sample, "-restart", "1B", "-baseline");
    }

    /**
     * What cjpeg writes for the image (as PGM if {@code gray}, else as PPM) with the given options; the image
     * must be TYPE_3BYTE_BGR or TYPE_BYTE_GRAY.
     */
    static byte[] cjpegWith(BufferedImage img, boolean gray, String... options) {
        int w = img.getWidth(), h = img.getHeight();
        var pnm = new ByteArrayOutputStream();
        pnm.writeBytes(((gray ? "P5" : "P6") + "\n" + w + " " + h + "\n255\n").getBytes(StandardCharsets.US_ASCII));
        int[] px = new int[w];
        for (int y = 0; y < h; y++) {
            if (gray) {
                img.getRaster().getSamples(0, y, w, 1, 0, px);
                for (int v : px) pnm.write(v);
            } else {
                img.getRGB(0, y, w, 1, px, 0, w);
                for (int v : px) {
                    pnm.write(v >> 16);
                    pnm.write(v >> 8);
                    pnm.write(v);
                }
            }
        }
        var command = new java.util.ArrayList<String>();
        command.add("cjpeg");
        command.addAll(java.util.List.of(options));
        try {
            Process p = new ProcessBuilder(command).start();
            // PNM input of a few hundred KB at most: write fully, then read.
            Thread writer = Thread.ofVirtual().start(() -> {
                try (var os = p.getOutputStream()) {
                    os.write(pnm.toByteArray());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] out = p.getInputStream().readAllBytes();
            writer.join();
            if (p.waitFor() != 0)
                throw new IllegalStateException(
                        "cjpeg failed: " + new String(p.getErrorStream().readAllBytes()));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b, int from, int to) {
        return java.util.HexFormat.of().formatHex(Arrays.copyOfRange(b, from, to));
    }
}
