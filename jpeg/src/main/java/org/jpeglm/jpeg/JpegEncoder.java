package org.jpeglm.jpeg;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOInvalidTreeException;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.plugins.jpeg.JPEGHuffmanTable;
import javax.imageio.plugins.jpeg.JPEGQTable;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Node;

/**
 * Encodes images into the exact bytes Pillow (libjpeg-turbo) writes for a profile; for
 * {@link JpegProfile#PAPER} that is {@code save(format='JPEG', quality=25, subsampling='4:2:0', streamtype=2,
 * restart_marker_blocks=1)}.
 *
 * <p>The JDK's JPEG writer wraps IJG libjpeg, whose colour conversion, downsampling, integer DCT,
 * quantization and standard Huffman coding are bit-identical to libjpeg-turbo's; it is fed the profile's
 * quantization tables, sampling factors and restart interval, and only its entropy-coded data is kept. The
 * headers around it are written here, in libjpeg's segment order and with Pillow's JFIF 1.01 APP0.
 *
 * <p>Pixels: an RGB image is encoded as is (alpha ignored); a gray image ({@code TYPE_BYTE_GRAY} or any
 * one-band gray image) uses its raw samples, not a colour-managed conversion. For a gray subsampling
 * an RGB image is first reduced to luma as Pillow's {@code convert('L')} does; for the colour layouts a gray
 * image is replicated to R=G=B. Thread-safe: each call uses its own ImageIO writer.
 */
public final class JpegEncoder {
    private static final String NATIVE_FORMAT = "javax_imageio_jpeg_image_1.0";

    private final JpegProfile profile;
    private final JpegTables tables;

    /** An encoder for {@code profile}, with the IJG tables of its quality ({@link JpegProfile#tables()}). */
    public JpegEncoder(JpegProfile profile) {
        this(profile, Objects.requireNonNull(profile, "profile").tables());
    }

    /**
     * An encoder for {@code profile} that quantizes and Huffman-codes with {@code tables} instead of the IJG
     * tables of the quality: for models trained on streams written with custom tables.
     *
     * @throws IllegalArgumentException if tables lack a table the profile's components use (quantization table 0,
     *     DC and AC table 0, and for colour also the tables 1), or a quantization table needs 16-bit precision,
     *     which baseline JPEG does not allow
     */
    public JpegEncoder(JpegProfile profile, JpegTables tables) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.tables = Objects.requireNonNull(tables, "tables");
        Frame frame = profile.subsampling().frame(8, 8);
        for (Frame.Component c : frame.components()) {
            QuantTable q = tables.quant(c.tq());
            if (q == null) throw new IllegalArgumentException("tables lack quantization table " + c.tq());
            if (q.sixteenBit())
                throw new IllegalArgumentException(
                        "quantization table " + c.tq() + " has values above 255: baseline JPEG needs 8-bit quantizers");
        }
        for (ScanHeader.Component c : ScanHeader.forFrame(frame).components()) {
            if (tables.dc(c.dc()) == null) throw new IllegalArgumentException("tables lack DC Huffman table " + c.dc());
            if (tables.ac(c.ac()) == null) throw new IllegalArgumentException("tables lack AC Huffman table " + c.ac());
        }
    }

    /** The encoder for {@link JpegProfile#PAPER}. */
    public static JpegEncoder paper() {
        return new JpegEncoder(JpegProfile.PAPER);
    }

    /** The profile. */
    public JpegProfile profile() {
        return profile;
    }

    /** The tables the abbreviated streams leave out. */
    public JpegTables tables() {
        return tables;
    }

    /**
     * The abbreviated stream a Jpeg-LM model reads: SOI, APP0, SOF0, DRI, SOS, entropy-coded data, EOI.
     *
     * @throws IllegalArgumentException if the profile fixes a size the image does not have, or a custom Huffman
     *     table has no code for a symbol the image needs
     */
    public byte[] encode(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.getWidth(), h = image.getHeight();
        if (profile.hasSize() && (w != profile.width() || h != profile.height()))
            throw new IllegalArgumentException("image is " + w + "x" + h + " but the profile wants " + profile.width()
                    + "x" + profile.height() + " (see JpegImages.fit)");
        if (w > JpegParser.MAX_DIMENSION || h > JpegParser.MAX_DIMENSION)
            throw new IllegalArgumentException("image " + w + "x" + h + " exceeds " + JpegParser.MAX_DIMENSION);
        BufferedImage input = profile.subsampling().isGray() ? toGray(image) : toBgr(image);
        byte[] imageio = writeWithImageIo(input);
        JpegFile parsed = JpegParser.parse(imageio);
        checkLayout(parsed, w, h);
        byte[] header = JpegStreams.header(profile, w, h);
        var out = new ByteSink(header.length + parsed.end() - parsed.scanStart());
        out.write(header);
        out.write(imageio, parsed.scanStart(), parsed.end());
        return out.toByteArray();
    }

    /** The complete JFIF file (the abbreviated stream with DQT and DHT), byte-identical to cjpeg's. */
    public byte[] encodeFull(BufferedImage image) {
        return JpegStreams.reassemble(encode(image), tables);
    }

    // The JDK writer is asked for exactly this layout; a mismatch would be a JDK change worth failing loudly on.
    private void checkLayout(JpegFile parsed, int w, int h) {
        Frame expected = profile.subsampling().frame(w, h);
        Frame got = parsed.frame();
        boolean ok = got.width() == w
                && got.height() == h
                && got.components().equals(expected.components())
                && parsed.scan().equals(ScanHeader.forFrame(expected))
                && parsed.restartInterval() == profile.restartInterval();
        for (Frame.Component c : got.components())
            ok &= tables.quant(c.tq()).equals(parsed.tables().quant(c.tq()));
        for (ScanHeader.Component c : parsed.scan().components())
            ok &= tables.dc(c.dc()).equals(parsed.tables().dc(c.dc()))
                    && tables.ac(c.ac()).equals(parsed.tables().ac(c.ac()));
        if (!ok) throw new IllegalStateException("ImageIO's JPEG writer did not honour the requested layout: " + got);
    }

    private byte[] writeWithImageIo(BufferedImage input) {
        var writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) throw new IllegalStateException("no ImageIO JPEG writer");
        ImageWriter writer = writers.next();
        try {
            var param = writer.getDefaultWriteParam();
            IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(input), param);
            configure(metadata);
            var bytes = new ByteArrayOutputStream();
            try (var ios = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(ios);
                writer.write(null, new IIOImage(input, null, metadata), param);
            }
            return bytes.toByteArray();
        } catch (javax.imageio.IIOException e) {
            // libjpeg's own errors; with validated tables, e.g. a Huffman table lacking a code the image needs.
            throw new IllegalArgumentException(
                    "ImageIO's JPEG writer could not encode the image with these tables: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("ImageIO JPEG writer failed", e);
        } finally {
            writer.dispose();
        }
    }

    /** Sets our tables, sampling factors and restart interval in the writer's native metadata tree. */
    private void configure(IIOMetadata metadata) throws IIOInvalidTreeException {
        var root = (IIOMetadataNode) metadata.getAsTree(NATIVE_FORMAT);
        var markers =
                (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
        var qtables = markers.getElementsByTagName("dqtable");
        for (int i = 0; i < qtables.getLength(); i++) {
            var node = (IIOMetadataNode) qtables.item(i);
            int id = Integer.parseInt(node.getAttribute("qtableId"));
            node.setUserObject(new JPEGQTable(tables.quant(id).natural()));
        }
        // The writer's default DHT nodes name the tables it will code with (DC/AC 0, and 1 for colour).
        var htables = markers.getElementsByTagName("dhtable");
        for (int i = 0; i < htables.getLength(); i++) {
            var node = (IIOMetadataNode) htables.item(i);
            int id = Integer.parseInt(node.getAttribute("htableId"));
            boolean dc = Integer.parseInt(node.getAttribute("class")) == 0;
            node.setUserObject(jdkHuffman(dc ? tables.dc(id) : tables.ac(id)));
        }
        var specs = markers.getElementsByTagName("componentSpec");
        for (int i = 0; i < specs.getLength(); i++) {
            var spec = (IIOMetadataNode) specs.item(i);
            boolean luma = i == 0;
            spec.setAttribute(
                    "HsamplingFactor",
                    String.valueOf(luma ? profile.subsampling().lumaH() : 1));
            spec.setAttribute(
                    "VsamplingFactor",
                    String.valueOf(luma ? profile.subsampling().lumaV() : 1));
        }
        if (profile.restartInterval() > 0) {
            var dri = new IIOMetadataNode("dri");
            dri.setAttribute("interval", String.valueOf(profile.restartInterval()));
            Node sof = markers.getElementsByTagName("sof").item(0);
            markers.insertBefore(dri, sof);
        }
        metadata.setFromTree(NATIVE_FORMAT, root);
    }

    private static JPEGHuffmanTable jdkHuffman(HuffmanTable table) {
        short[] lengths = new short[16];
        for (int i = 0; i < 16; i++) lengths[i] = (short) table.count(i);
        short[] values = new short[table.symbolCount()];
        for (int i = 0; i < values.length; i++) values[i] = (short) table.symbol(i);
        return new JPEGHuffmanTable(lengths, values);
    }

    /** The image as TYPE_3BYTE_BGR with its sRGB values (gray samples replicated). */
    static BufferedImage toBgr(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        var out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] dst = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            if (isGray(image)) {
                grayRow(image.getRaster(), y, row);
                for (int x = 0; x < w; x++) row[x] = row[x] * 0x010101;
            } else {
                image.getRGB(0, y, w, 1, row, 0, w);
            }
            for (int x = 0, p = y * w * 3; x < w; x++, p += 3) {
                dst[p] = (byte) row[x];
                dst[p + 1] = (byte) (row[x] >> 8);
                dst[p + 2] = (byte) (row[x] >> 16);
            }
        }
        return out;
    }

    /** The image as TYPE_BYTE_GRAY: raw samples of a gray image, else Pillow's ITU-R 601-2 luma. */
    static BufferedImage toGray(BufferedImage image) {
        int w = image.getWidth(), h = image.getHeight();
        var out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((java.awt.image.DataBufferByte) out.getRaster().getDataBuffer()).getData();
        int[] row = new int[w];
        boolean gray = isGray(image);
        for (int y = 0; y < h; y++) {
            if (gray) grayRow(image.getRaster(), y, row);
            else image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int v = row[x];
                if (!gray)
                    v = (((v >> 16) & 0xFF) * 19595 + ((v >> 8) & 0xFF) * 38470 + (v & 0xFF) * 7471 + 0x8000) >> 16;
                dst[y * w + x] = (byte) v;
            }
        }
        return out;
    }

    private static boolean isGray(BufferedImage image) {
        return image.getColorModel().getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY
                && image.getRaster().getNumBands() >= 1
                && image.getColorModel().getNumColorComponents() == 1;
    }

    // Raw samples scaled to 8 bits, bypassing the linear-gray-to-sRGB conversion getRGB would apply.
    private static void grayRow(Raster raster, int y, int[] row) {
        int bits = raster.getSampleModel().getSampleSize(0);
        raster.getSamples(0, y, row.length, 1, 0, row);
        if (bits == 8) return;
        int max = (1 << bits) - 1;
        for (int x = 0; x < row.length; x++) row[x] = (row[x] * 255 + max / 2) / max;
    }
}
