package org.jpeglm.jpeg;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decoding and saving: fit (resize and centre-crop), PNG and JPEG output, grids. */
class JpegImagesTest {

    /** A one-pixel black and white checkerboard: the worst case for aliasing. */
    private static BufferedImage pixelChecker(int w, int h) {
        var img = TestImages.rgb(w, h);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++) img.setRGB(x, y, (x + y) % 2 == 0 ? 0x000000 : 0xFFFFFF);
        return img;
    }

    @Test
    void decodingAndPngEncodingKeepNoTemporaryFiles(@TempDir Path cache) throws IOException {
        // ImageIO's default stream cache is a temporary file per stream: a server decoding a preview per MCU row
        // and encoding each as PNG must not touch the disk. Point the cache at a folder that then goes away: any
        // file-cached stream fails ("Can't create cache file!"), memory-cached ones do not notice.
        boolean usedCache = ImageIO.getUseCache();
        Path cacheDir = ImageIO.getCacheDirectory() == null
                ? null
                : ImageIO.getCacheDirectory().toPath();
        ImageIO.setUseCache(true);
        Path gone = Files.createDirectory(cache.resolve("gone"));
        ImageIO.setCacheDirectory(gone.toFile());
        Files.delete(gone);
        try {
            BufferedImage image = TestImages.flat(32, 32, 0x336699, false);
            byte[] png = JpegImages.png(image);
            BufferedImage back =
                    JpegImages.decode(new JpegEncoder(JpegProfile.of(25, Subsampling.S420, 1)).encodeFull(image));
            assertEquals(32, back.getWidth());
            assertEquals(32, back.getHeight());
            assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));
        } finally {
            ImageIO.setUseCache(usedCache);
            ImageIO.setCacheDirectory(cacheDir == null ? null : cacheDir.toFile());
        }
    }

    @Test
    void readWholeRefusesAFileCutShortAndReadsAWholeOne() throws IOException {
        var out = new ByteArrayOutputStream();
        ImageIO.write(TestImages.noise(64, 64, 7, false), "jpeg", out);
        byte[] whole = out.toByteArray();
        assertEquals(64, readWhole(whole).getWidth());
        // ImageIO alone decodes a half file as an image, its missing half gray.
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        var e = assertThrows(IIOException.class, () -> readWhole(half));
        assertTrue(e.getMessage().startsWith("the file is cut short"), e.getMessage());
    }

    private static BufferedImage readWhole(byte[] file) throws IOException {
        try (var in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            var reader = ImageIO.getImageReaders(in).next();
            reader.setInput(in, true, true);
            return JpegImages.readWhole(reader);
        }
    }

    @Test
    void fitAntialiasesLargeReductions() {
        // 1000 -> 64 is a factor 15.6: point-sampled bicubic would turn the checkerboard into a pattern of
        // black, white and gray; a filtered reduction leaves uniform mid-gray.
        BufferedImage small = JpegImages.fit(pixelChecker(1000, 1000), 64, 64);
        assertEquals(64, small.getWidth());
        assertEquals(64, small.getHeight());
        int[] px = TestImages.samples(small);
        int min = 255, max = 0;
        for (int v : px) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertTrue(min >= 120 && max <= 136, "samples in " + min + ".." + max);
    }

    @Test
    void fitCoversAndCropsTheCentre() {
        // 512x256: red left quarter, green middle half, blue right quarter. Covering 256x256 keeps the middle.
        var img = TestImages.rgb(512, 256);
        var g = img.createGraphics();
        g.setColor(Color.RED);
        g.fillRect(0, 0, 128, 256);
        g.setColor(Color.GREEN);
        g.fillRect(128, 0, 256, 256);
        g.setColor(Color.BLUE);
        g.fillRect(384, 0, 128, 256);
        g.dispose();
        BufferedImage fitted = JpegImages.fit(img, 256, 256);
        for (int y = 0; y < 256; y += 15)
            for (int x = 0; x < 256; x += 15) assertEquals(0x00FF00, fitted.getRGB(x, y) & 0xFFFFFF, x + "," + y);
        // Tall images are cropped vertically; a 2048x1024 image is halved twice first.
        assertEquals(
                0x00FF00,
                JpegImages.fit(JpegImages.fit(img, 512, 256), 100, 100).getRGB(50, 50) & 0xFFFFFF);
        BufferedImage big = TestImages.flat(2048, 1024, 0x336699, false);
        assertEquals(0x336699, JpegImages.fit(big, 256, 256).getRGB(128, 128) & 0xFFFFFF);
    }

    @Test
    void fitKeepsAnImageOfTheTargetSize() {
        BufferedImage photo = TestImages.png("sources/hopper.png");
        var bgr = TestImages.rgb(256, 256);
        bgr.getGraphics().drawImage(photo, 0, 0, null);
        assertArrayEquals(TestImages.samples(bgr), TestImages.samples(JpegImages.fit(bgr, 256, 256)));
        assertThrows(IllegalArgumentException.class, () -> JpegImages.fit(bgr, 0, 10));
    }

    @Test
    void pngAndJpegOutputRoundTrip(@TempDir Path dir) throws IOException {
        BufferedImage img = TestImages.noise(37, 21, 3, false);
        byte[] png = JpegImages.png(img);
        assertArrayEquals(TestImages.samples(img), TestImages.samples(ImageIO.read(new ByteArrayInputStream(png))));
        Path pngFile = dir.resolve("a.png");
        JpegImages.writePng(img, pngFile);
        assertArrayEquals(png, Files.readAllBytes(pngFile));

        byte[] jpeg = new JpegEncoder(JpegProfile.PAPER.anySize()).encodeFull(img);
        Path jpegFile = dir.resolve("a.jpg");
        JpegImages.writeJpeg(jpeg, jpegFile);
        assertArrayEquals(jpeg, Files.readAllBytes(jpegFile));
        assertArrayEquals(
                TestImages.samples(JpegImages.decode(jpeg)),
                TestImages.samples(ImageIO.read(jpegFile.toFile())),
                "any decoder reads the saved file");
    }

    @Test
    void gridPlacesImagesRowByRow(@TempDir Path dir) throws IOException {
        List<BufferedImage> images = List.of(
                TestImages.flat(10, 8, 0xFF0000, false),
                TestImages.flat(6, 6, 0x00FF00, false),
                TestImages.flat(10, 8, 0x0000FF, false));
        BufferedImage grid = ImageGrid.compose(images, 2, 3, Color.BLACK);
        // Cells 10x8, gap 3: 2 columns, 2 rows.
        assertEquals(3 + 2 * (10 + 3), grid.getWidth());
        assertEquals(3 + 2 * (8 + 3), grid.getHeight());
        assertEquals(0xFF0000, grid.getRGB(3, 3) & 0xFFFFFF);
        assertEquals(0x00FF00, grid.getRGB(16, 3) & 0xFFFFFF);
        assertEquals(0x000000, grid.getRGB(16 + 7, 3) & 0xFFFFFF, "background right of the smaller image");
        assertEquals(0x0000FF, grid.getRGB(3, 14) & 0xFFFFFF);
        assertEquals(0x000000, grid.getRGB(1, 1) & 0xFFFFFF);
        Path file = dir.resolve("grid.png");
        ImageGrid.writePng(images, 3, file);
        BufferedImage read = ImageIO.read(file.toFile());
        assertEquals(2 + 3 * (10 + 2), read.getWidth());
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.compose(List.of(), 2));
    }
}
