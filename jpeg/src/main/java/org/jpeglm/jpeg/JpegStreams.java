package org.jpeglm.jpeg;

import java.util.Arrays;
import java.util.LinkedHashSet;

/**
 * Conversions between complete JPEG files and the abbreviated streams a Jpeg-LM model reads and writes.
 *
 * <p>Segment order follows libjpeg. A complete file: SOI, APP0, DQT per table, SOF0, DHT per table (DC0,
 * AC0, DC1, AC1), DRI, SOS, data, EOI. The abbreviated stream (Pillow's {@code streamtype=2}) is the same
 * without DQT and DHT: SOI, APP0, SOF0, DRI, SOS, data, EOI.
 */
public final class JpegStreams {
    private JpegStreams() {}

    /**
     * The abbreviated stream of a complete file: every DQT and DHT segment dropped, everything else (other
     * APPn or COM segments included) kept in order; bytes after EOI are dropped.
     *
     * @throws JpegFormatException if {@code jpeg} does not parse
     */
    public static byte[] strip(byte[] jpeg) {
        JpegFile f = JpegParser.parse(jpeg);
        var out = new ByteSink(jpeg.length);
        for (Segment s : f.segments())
            if (s.marker() != Markers.DQT && s.marker() != Markers.DHT) out.write(jpeg, s.offset(), s.end());
        out.write(jpeg, f.scanStart(), f.end());
        return out.toByteArray();
    }

    /**
     * A complete file from an abbreviated stream and the tables it was coded with: the DQT segments the
     * frame's components use are inserted just before SOF, the scan's DHT segments just after it, one segment
     * per table as libjpeg writes them. Tables already in {@code stream} are replaced. For files written by
     * {@link JpegEncoder}, {@code reassemble(strip(x), tables) == x}.
     *
     * @throws JpegFormatException      if {@code stream} does not parse
     * @throws IllegalArgumentException if {@code tables} lacks a table the stream uses
     */
    public static byte[] reassemble(byte[] stream, JpegTables tables) {
        JpegFile f = JpegParser.parse(stream);
        var out = new ByteSink(stream.length + 600);
        for (Segment s : f.segments()) {
            switch (s.marker()) {
                case Markers.DQT, Markers.DHT -> {}
                case Markers.SOF0, Markers.SOF1 -> {
                    var quantIds = new LinkedHashSet<Integer>();
                    for (Frame.Component c : f.frame().components()) quantIds.add(c.tq());
                    for (int id : quantIds) JpegSegments.dqt(out, require(tables.quant(id), "quantization", id));
                    out.write(stream, s.offset(), s.end());
                    writeHuffmanTables(out, f.scan(), tables);
                }
                default -> out.write(stream, s.offset(), s.end());
            }
        }
        out.write(stream, f.scanStart(), f.end());
        return out.toByteArray();
    }

    // libjpeg's write_scan_header order: for each scan component, its DC table then its AC table, once each.
    private static void writeHuffmanTables(ByteSink out, ScanHeader scan, JpegTables tables) {
        var written = new LinkedHashSet<Integer>();
        for (ScanHeader.Component c : scan.components()) {
            if (written.add(c.dc())) JpegSegments.dht(out, require(tables.dc(c.dc()), "DC Huffman", c.dc()));
            if (written.add(16 + c.ac())) JpegSegments.dht(out, require(tables.ac(c.ac()), "AC Huffman", c.ac()));
        }
    }

    private static <T> T require(T table, String kind, int id) {
        if (table == null) throw new IllegalArgumentException("tables lack " + kind + " table " + id);
        return table;
    }

    /**
     * The abbreviated header for a profile with a fixed size: SOI, APP0, SOF0, DRI, SOS: exactly the bytes
     * that precede the first MCU in every stream the model saw, i.e. the prompt for unconditional generation.
     */
    public static byte[] header(JpegProfile profile) {
        if (!profile.hasSize()) throw new IllegalArgumentException("profile has no fixed size: " + profile);
        return header(profile, profile.width(), profile.height());
    }

    /** The abbreviated header (SOI, APP0, SOF0, DRI, SOS) for a {@code width}×{@code height} image. */
    public static byte[] header(JpegProfile profile, int width, int height) {
        if (width < 1 || height < 1 || width > JpegParser.MAX_DIMENSION || height > JpegParser.MAX_DIMENSION)
            throw new IllegalArgumentException("bad size " + width + "x" + height);
        return JpegSegments.abbreviatedHeader(profile.subsampling(), width, height, profile.restartInterval());
    }

    /**
     * The exact byte prefix of {@code stream} that holds its first ⌊ratio·MCUs⌋ MCUs, for prompting a model
     * to complete an image.
     *
     * <p>The cut lies just after the RSTn marker that closes the last kept MCU, so the prefix ends on a
     * marker and the model's next bytes start the next MCU's entropy-coded data, as in training. With
     * ratio 0 the prefix is the header through SOS; when every MCU is kept it is the whole stream, EOI
     * included. With a restart interval above 1 MCUs inside an interval are not byte-aligned, so the count is
     * rounded down to whole restart intervals.
     *
     * @param ratio fraction 0..1 of the MCUs to keep
     * @throws JpegFormatException if {@code stream} does not parse
     */
    public static byte[] prefix(byte[] stream, double ratio) {
        if (!(ratio >= 0 && ratio <= 1)) throw new IllegalArgumentException("ratio must be in [0, 1]: " + ratio);
        JpegFile f = JpegParser.parse(stream);
        int mcus = (int) Math.floor(ratio * f.mcuIndex().mcuCount() + 1e-9);
        return prefix(f, Math.min(mcus, f.mcuIndex().mcuCount()));
    }

    /**
     * The exact byte prefix of {@code stream} that holds its first {@code mcus} MCUs (rounded down to whole
     * restart intervals), cut as {@link #prefix(byte[], double)} describes.
     */
    public static byte[] prefixMcus(byte[] stream, int mcus) {
        if (mcus < 0) throw new IllegalArgumentException("negative MCU count: " + mcus);
        JpegFile f = JpegParser.parse(stream);
        return prefix(f, Math.min(mcus, f.mcuIndex().mcuCount()));
    }

    private static byte[] prefix(JpegFile f, int mcus) {
        McuIndex index = f.mcuIndex();
        int intervals = index.intervalsWithin(mcus);
        int cut = intervals == 0 ? f.scanStart() : index.endWithMarker(intervals - 1);
        return Arrays.copyOf(f.bytes(), cut);
    }
}
