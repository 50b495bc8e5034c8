package org.jpeglm.jpeg;

import static org.jpeglm.jpeg.JpegFormatException.Problem.*;

import java.util.ArrayList;
import java.util.List;
import org.jpeglm.jpeg.JpegFormatException.Problem;

/**
 * <b>Test oracle</b>: {@code JpegParser} as it was before one walker and one decoder replaced the scanners (commit
 * ae8bfbd), kept to check that the new code accepts, refuses and repairs exactly as before
 * ({@link ScanOracleProperties}). Do not use elsewhere.
 *
 * <p>Strict parser for the JPEGs this package handles: one baseline (or 8-bit extended) Huffman-coded
 * sequential scan over all components, gray or three-component, complete or abbreviated (tables left out).
 * Anything else is rejected with a {@link JpegFormatException} naming the unsupported feature.
 *
 * <p>Runs in one linear pass; never reads past the array and never loops without advancing.
 */
final class LegacyJpegParser {

    /** Largest width or height accepted (decoding bigger images costs gigabytes). */
    public static final int MAX_DIMENSION = 16384;

    private final byte[] b;
    private final List<Segment> segments = new ArrayList<>();
    private JpegTables tables = new JpegTables(List.of(), List.of());
    private Frame frame;
    private ScanHeader scan;
    private int restartInterval;

    private LegacyJpegParser(byte[] bytes) {
        this.b = bytes;
    }

    /**
     * Parses {@code bytes}.
     *
     * @throws JpegFormatException when the bytes are not such a JPEG; {@link JpegFormatException#problem()}
     *                             says why
     */
    public static JpegFile parse(byte[] bytes) {
        return new LegacyJpegParser(bytes).run();
    }

    /**
     * The tables of a "tables-only" datastream (ITU T.81 B.5: SOI, DQT/DHT segments, EOI), as
     * {@link JpegTables#toTablesOnlyJpeg()} writes it.
     *
     * @throws JpegFormatException if {@code bytes} is not one
     */
    public static JpegTables parseTablesOnly(byte[] bytes) {
        LegacyJpegParser p = new LegacyJpegParser(bytes);
        if (bytes.length < 2 || p.u8(0) != 0xFF || p.u8(1) != Markers.SOI)
            throw fail(NOT_JPEG, "not a JPEG: no SOI marker (starts with " + p.hexStart() + ")");
        int pos = 2;
        while (true) {
            if (pos + 1 >= bytes.length) throw fail(TRUNCATED, "truncated tables-only JPEG: no EOI");
            int m = p.u8(pos + 1);
            if (p.u8(pos) == 0xFF && m == Markers.EOI) return p.tables;
            if (p.u8(pos) == 0xFF
                    && m != Markers.DQT
                    && m != Markers.DHT
                    && m != Markers.COM
                    && !(m >= 0xE0 && m <= 0xEF))
                throw fail(
                        MALFORMED,
                        "a tables-only JPEG holds only DQT, DHT, APPn and COM segments, found " + Markers.name(m)
                                + " at offset " + pos);
            pos = p.headerSegment(pos);
        }
    }

    private JpegFile run() {
        if (b.length < 2 || u8(0) != 0xFF || u8(1) != Markers.SOI)
            throw fail(NOT_JPEG, "not a JPEG: no SOI marker (starts with " + hexStart() + ")");
        segments.add(new Segment(Markers.SOI, 0, 2));
        int pos = 2;
        while (scan == null) pos = headerSegment(pos);
        return entropyData(pos);
    }

    /** Reads the marker segment at {@code pos}; returns the offset after it. */
    private int headerSegment(int pos) {
        if (pos >= b.length) throw fail(TRUNCATED, "truncated: data ends at offset " + pos + " before the scan (SOS)");
        if (u8(pos) != 0xFF)
            throw fail(MALFORMED, String.format("expected a marker at offset %d, found 0x%02X", pos, u8(pos)));
        int at = pos;
        while (pos + 1 < b.length && u8(pos + 1) == 0xFF) pos++; // fill bytes may precede a marker
        if (pos + 1 >= b.length) throw fail(TRUNCATED, "truncated: data ends inside a marker at offset " + at);
        int m = u8(pos + 1);
        switch (m) {
            case Markers.SOI -> throw fail(MALFORMED, "second SOI marker at offset " + pos);
            case Markers.EOI -> throw fail(TRUNCATED, "truncated: EOI at offset " + pos + " before any scan");
            case Markers.TEM -> {
                return pos + 2;
            }
            case 0x00 -> throw fail(MALFORMED, "stuffed zero byte outside entropy-coded data at offset " + pos);
            default -> {}
        }
        if (Markers.isRst(m)) throw fail(MALFORMED, Markers.name(m) + " marker outside the scan at offset " + pos);
        rejectUnsupported(m, pos);
        if (pos + 4 > b.length)
            throw fail(TRUNCATED, "truncated: " + Markers.name(m) + " segment length missing at offset " + pos);
        int len = u16(pos + 2);
        if (len < 2) throw fail(MALFORMED, Markers.name(m) + " segment at offset " + pos + " has length " + len);
        int end = pos + 2 + len;
        if (end > b.length)
            throw fail(
                    TRUNCATED,
                    "truncated: " + Markers.name(m) + " segment at offset " + pos + " needs " + len + " bytes, "
                            + (b.length - pos - 2) + " left");
        Segment seg = new Segment(m, pos, end - pos);
        switch (m) {
            case Markers.SOF0, Markers.SOF1 -> readFrame(seg);
            case Markers.DQT -> readQuantTables(seg);
            case Markers.DHT -> readHuffmanTables(seg);
            case Markers.DRI -> readRestartInterval(seg);
            case Markers.SOS -> readScan(seg);
            case Markers.DNL -> throw fail(MALFORMED, "DNL marker outside the scan at offset " + pos);
            default -> {
                boolean app = m >= 0xE0 && m <= 0xEF, ext = m >= 0xF0 && m <= 0xFD;
                if (!app && !ext && m != Markers.COM)
                    throw fail(MALFORMED, String.format("reserved marker 0xFF%02X at offset %d", m, pos));
            }
        }
        segments.add(seg);
        return end;
    }

    /** Rejects frame types and markers outside baseline Huffman coding, naming them. */
    private void rejectUnsupported(int m, int pos) {
        String where = " (" + Markers.name(m) + " at offset " + pos + ")";
        switch (m) {
            case 0xC2, 0xC6 -> throw fail(PROGRESSIVE, "progressive JPEG not supported" + where);
            case 0xC3 -> throw fail(LOSSLESS, "lossless JPEG not supported" + where);
            case 0xC5, 0xC7, 0xDE, 0xDF -> throw fail(HIERARCHICAL, "hierarchical JPEG not supported" + where);
            case 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, Markers.DAC ->
                throw fail(ARITHMETIC, "arithmetic-coded JPEG not supported" + where);
            case 0xC8 -> throw fail(MALFORMED, "reserved JPG marker" + where);
            default -> {}
        }
    }

    private void readFrame(Segment seg) {
        if (frame != null) throw fail(MALFORMED, "second frame header at offset " + seg.offset());
        int p = seg.offset() + 4, len = seg.length() - 4;
        if (len < 6) throw fail(MALFORMED, "SOF segment too short at offset " + seg.offset());
        int precision = u8(p);
        if (precision != 8)
            throw fail(
                    PRECISION,
                    precision + "-bit sample precision not supported (only 8-bit), SOF at offset " + seg.offset());
        int height = u16(p + 1), width = u16(p + 3), n = u8(p + 5);
        if (n != 1 && n != 3) {
            String what = n == 4 ? "4 components (CMYK/YCCK)" : n + " components";
            throw fail(COMPONENTS, what + " not supported (only 1 gray or 3 YCbCr)");
        }
        if (len != 6 + 3 * n)
            throw fail(MALFORMED, "SOF length " + seg.length() + " does not fit " + n + " components");
        if (width == 0 || height == 0) {
            String why = height == 0 ? "height 0 (DNL-defined height) not supported" : "width 0";
            throw fail(DIMENSIONS, "image size " + width + "x" + height + ": " + why);
        }
        if (width > MAX_DIMENSION || height > MAX_DIMENSION)
            throw fail(DIMENSIONS, "image size " + width + "x" + height + " too large (limit " + MAX_DIMENSION + ")");
        var comps = new ArrayList<Frame.Component>();
        int blocks = 0;
        for (int i = 0; i < n; i++) {
            int q = p + 6 + 3 * i, id = u8(q), h = u8(q + 1) >> 4, v = u8(q + 1) & 15, tq = u8(q + 2);
            if (h < 1 || h > 4 || v < 1 || v > 4)
                throw fail(COMPONENTS, "component " + id + " has sampling factors " + h + "x" + v + " (1..4 allowed)");
            if (tq > 3) throw fail(MALFORMED, "component " + id + " uses quant table " + tq);
            for (Frame.Component c : comps) if (c.id() == id) throw fail(COMPONENTS, "duplicate component id " + id);
            blocks += h * v;
            comps.add(new Frame.Component(id, h, v, tq));
        }
        if (n > 1 && blocks > 10) throw fail(COMPONENTS, "MCU of " + blocks + " blocks exceeds the limit of 10");
        frame = new Frame(seg.marker(), precision, width, height, comps);
    }

    private void readQuantTables(Segment seg) {
        int p = seg.offset() + 4, end = seg.end();
        while (p < end) {
            int pq = u8(p) >> 4, id = u8(p) & 15, size = pq == 0 ? 64 : 128;
            if (pq > 1 || id > 3)
                throw fail(MALFORMED, String.format("bad DQT table spec 0x%02X at offset %d", u8(p), p));
            if (pq == 1 && frame != null && frame.marker() == Markers.SOF0)
                throw fail(MALFORMED, "16-bit quant table in a baseline file at offset " + p);
            if (p + 1 + size > end) throw fail(MALFORMED, "DQT segment at offset " + seg.offset() + " too short");
            int[] zz = new int[64];
            for (int k = 0; k < 64; k++) {
                zz[k] = pq == 0 ? u8(p + 1 + k) : u16(p + 1 + 2 * k);
                if (zz[k] == 0) throw fail(MALFORMED, "zero quantizer in DQT at offset " + seg.offset());
            }
            tables = tables.with(new QuantTable(id, zz));
            p += 1 + size;
        }
    }

    private void readHuffmanTables(Segment seg) {
        int p = seg.offset() + 4, end = seg.end();
        while (p < end) {
            if (p + 17 > end) throw fail(MALFORMED, "DHT segment at offset " + seg.offset() + " too short");
            int tc = u8(p) >> 4, id = u8(p) & 15;
            if (tc > 1 || id > 3)
                throw fail(MALFORMED, String.format("bad DHT table spec 0x%02X at offset %d", u8(p), p));
            int[] counts = new int[16];
            int total = 0;
            for (int i = 0; i < 16; i++) total += counts[i] = u8(p + 1 + i);
            if (total > 256 || p + 17 + total > end)
                throw fail(MALFORMED, "DHT table at offset " + p + " declares " + total + " symbols");
            int[] symbols = new int[total];
            for (int i = 0; i < total; i++) symbols[i] = u8(p + 17 + i);
            try {
                tables = tables.with(new HuffmanTable(tc, id, counts, symbols));
            } catch (IllegalArgumentException e) {
                throw fail(MALFORMED, "bad Huffman table at offset " + p + ": " + e.getMessage());
            }
            p += 17 + total;
        }
    }

    private void readRestartInterval(Segment seg) {
        if (seg.length() != 6)
            throw fail(MALFORMED, "DRI segment at offset " + seg.offset() + " has length " + seg.length());
        restartInterval = u16(seg.offset() + 4);
    }

    private void readScan(Segment seg) {
        if (frame == null) throw fail(MALFORMED, "SOS before any frame header (SOF) at offset " + seg.offset());
        int p = seg.offset() + 4, n = seg.length() > 4 ? u8(p) : 0;
        if (n < 1 || seg.length() != 4 + 1 + 2 * n + 3)
            throw fail(MALFORMED, "bad SOS segment at offset " + seg.offset());
        if (n != frame.components().size())
            throw fail(
                    MALFORMED,
                    "scan covers " + n + " of " + frame.components().size()
                            + " components: multi-scan (non-interleaved) files not supported");
        var comps = new ArrayList<ScanHeader.Component>();
        for (int i = 0; i < n; i++) {
            int id = u8(p + 1 + 2 * i), td = u8(p + 2 + 2 * i) >> 4, ta = u8(p + 2 + 2 * i) & 15;
            if (id != frame.components().get(i).id())
                throw fail(
                        MALFORMED,
                        "scan component " + id + " does not match frame component "
                                + frame.components().get(i).id());
            if (td > 3 || ta > 3)
                throw fail(MALFORMED, "scan component " + id + " uses Huffman table " + td + "/" + ta);
            comps.add(new ScanHeader.Component(id, td, ta));
        }
        int q = p + 1 + 2 * n, ss = u8(q), se = u8(q + 1), ahal = u8(q + 2);
        if (ss != 0 || se != 63 || ahal != 0)
            throw fail(MALFORMED, "scan with Ss=" + ss + " Se=" + se + " Ah/Al=" + ahal + " is not sequential");
        scan = new ScanHeader(comps);
    }

    /** Walks the entropy-coded data from {@code start} to EOI, recording restart intervals. */
    private JpegFile entropyData(int start) {
        int mcus = frame.mcuCount();
        int expected = restartInterval == 0 ? 1 : Subsampling.ceilDiv(mcus, restartInterval);
        int[] starts = new int[expected], ends = new int[expected];
        int found = 0, intervalStart = start, i = start, n = b.length, eoiEnd;
        while (true) {
            if (i >= n)
                throw fail(
                        TRUNCATED,
                        "truncated: no EOI; data ends inside the scan after " + found + " of " + expected
                                + " restart intervals");
            if (b[i] != (byte) 0xFF) {
                i++;
                continue;
            }
            int j = i + 1;
            while (j < n && b[j] == (byte) 0xFF) j++;
            if (j >= n) throw fail(TRUNCATED, "truncated: data ends inside a marker at offset " + i);
            int m = u8(j);
            if (m == 0x00) {
                i = j + 1;
                continue;
            }
            if (Markers.isRst(m) || m == Markers.EOI) {
                if (found == expected)
                    throw fail(
                            MALFORMED,
                            "scan has more than the " + expected + " restart intervals the frame needs" + " ("
                                    + Markers.name(m) + " at offset " + j + ")");
                starts[found] = intervalStart;
                ends[found] = i;
                found++;
                if (m == Markers.EOI) {
                    eoiEnd = j + 1;
                    break;
                }
                if (restartInterval == 0) throw fail(MALFORMED, Markers.name(m) + " at offset " + j + " but no DRI");
                int want = Markers.RST0 + (found - 1) % 8;
                if (m != want)
                    throw fail(
                            MALFORMED,
                            "restart marker " + Markers.name(m) + " at offset " + j + " where " + Markers.name(want)
                                    + " belongs");
                intervalStart = i = j + 1;
                continue;
            }
            throw fail(
                    MALFORMED,
                    "marker " + Markers.name(m) + " at offset " + j
                            + " inside entropy-coded data (multi-scan files are not supported)");
        }
        if (found != expected)
            throw fail(MALFORMED, "scan has " + found + " restart intervals; the frame needs " + expected);
        return new JpegFile(
                b,
                segments,
                frame,
                scan,
                restartInterval,
                tables,
                new McuIndex(mcus, restartInterval, starts, ends, eoiEnd),
                eoiEnd);
    }

    private int u8(int i) {
        return b[i] & 0xFF;
    }

    private int u16(int i) {
        return (u8(i) << 8) | u8(i + 1);
    }

    private String hexStart() {
        var sb = new StringBuilder();
        for (int i = 0; i < Math.min(4, b.length); i++) sb.append(String.format("%02X ", u8(i)));
        return b.length == 0 ? "no bytes" : sb.toString().trim();
    }

    private static JpegFormatException fail(Problem p, String message) {
        return new JpegFormatException(p, message);
    }
}
