package org.jpeglm.jpeg;

import java.util.ArrayList;
import java.util.List;
import javax.imageio.plugins.jpeg.JPEGHuffmanTable;
import javax.imageio.plugins.jpeg.JPEGQTable;

/**
 * The tables an abbreviated stream leaves out: quantization (DQT) and Huffman (DHT) tables. Either taken
 * from a complete file ({@link #from(byte[])}) or generated for an IJG quality ({@link #forQuality(int)}).
 *
 * @param quantTables   quantization tables, at most one per id
 * @param huffmanTables Huffman tables, at most one per class and id
 */
public record JpegTables(List<QuantTable> quantTables, List<HuffmanTable> huffmanTables) {

    public JpegTables {
        quantTables = List.copyOf(quantTables);
        huffmanTables = List.copyOf(huffmanTables);
    }

    /**
     * What libjpeg (and so Pillow and cjpeg) uses for {@code quality} with force_baseline: the Annex K.1/K.2
     * tables scaled by 5000/q (q &lt; 50) or 200−2q percent, rounded, clamped to 1..255, as tables 0 (luma) and
     * 1 (chroma); and the Annex K.3 Huffman tables, DC/AC 0 for luma and 1 for chroma.
     */
    public static JpegTables forQuality(int quality) {
        if (quality < 1 || quality > 100) throw new IllegalArgumentException("quality must be 1..100: " + quality);
        // The JDK ships the Annex K data; reading it from there avoids retyping ~200 magic numbers.
        return new JpegTables(
                List.of(
                        QuantTable.scaled(0, JPEGQTable.K1Luminance.getTable(), quality, true),
                        QuantTable.scaled(1, JPEGQTable.K2Chrominance.getTable(), quality, true)),
                List.of(
                        huffman(0, 0, JPEGHuffmanTable.StdDCLuminance),
                        huffman(1, 0, JPEGHuffmanTable.StdACLuminance),
                        huffman(0, 1, JPEGHuffmanTable.StdDCChrominance),
                        huffman(1, 1, JPEGHuffmanTable.StdACChrominance)));
    }

    /**
     * The DQT and DHT tables defined in a JPEG file (complete or "tables-only"). Tables redefined later in
     * the file replace earlier ones with the same id.
     *
     * @throws JpegFormatException if the file does not parse
     */
    public static JpegTables from(byte[] jpeg) {
        return JpegParser.parse(jpeg).tables();
    }

    /** The tables of a tables-only datastream (SOI, DQT/DHT, EOI), as {@link #toTablesOnlyJpeg()} writes it. */
    public static JpegTables fromTablesOnlyJpeg(byte[] jpeg) {
        return JpegParser.parseTablesOnly(jpeg);
    }

    /** The quantization table with this id, or null. */
    public QuantTable quant(int id) {
        for (QuantTable t : quantTables) if (t.id() == id) return t;
        return null;
    }

    /** The DC Huffman table with this id, or null. */
    public HuffmanTable dc(int id) {
        return huffman(0, id);
    }

    /** The AC Huffman table with this id, or null. */
    public HuffmanTable ac(int id) {
        return huffman(1, id);
    }

    private HuffmanTable huffman(int tableClass, int id) {
        for (HuffmanTable t : huffmanTables) if (t.tableClass() == tableClass && t.id() == id) return t;
        return null;
    }

    /**
     * These tables as a JPEG "tables-only" datastream (ITU T.81 B.5): SOI, one DQT per quantization table, one
     * DHT per Huffman table, EOI. {@link #from(byte[])} reads it back.
     */
    public byte[] toTablesOnlyJpeg() {
        var out = new ByteSink(1024);
        JpegSegments.soi(out);
        for (QuantTable t : quantTables) JpegSegments.dqt(out, t);
        for (HuffmanTable t : huffmanTables) JpegSegments.dht(out, t);
        JpegSegments.eoi(out);
        return out.toByteArray();
    }

    /** Whether there are no tables at all. */
    public boolean isEmpty() {
        return quantTables.isEmpty() && huffmanTables.isEmpty();
    }

    /** These tables with {@code t} added, replacing one with the same id. */
    JpegTables with(QuantTable t) {
        var q = new ArrayList<>(quantTables);
        q.removeIf(x -> x.id() == t.id());
        q.add(t);
        return new JpegTables(q, huffmanTables);
    }

    /** These tables with {@code t} added, replacing one with the same class and id. */
    JpegTables with(HuffmanTable t) {
        var h = new ArrayList<>(huffmanTables);
        h.removeIf(x -> x.tableClass() == t.tableClass() && x.id() == t.id());
        h.add(t);
        return new JpegTables(quantTables, h);
    }

    private static HuffmanTable huffman(int tableClass, int id, JPEGHuffmanTable jdk) {
        short[] lengths = jdk.getLengths();
        short[] values = jdk.getValues();
        int[] counts = new int[16];
        for (int i = 0; i < 16; i++) counts[i] = lengths[i];
        int[] symbols = new int[values.length];
        for (int i = 0; i < values.length; i++) symbols[i] = values[i];
        return new HuffmanTable(tableClass, id, counts, symbols);
    }
}
