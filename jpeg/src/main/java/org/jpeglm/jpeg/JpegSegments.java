package org.jpeglm.jpeg;

import java.util.HexFormat;

/** Writes the marker segments libjpeg writes, byte for byte. */
final class JpegSegments {

    /** Pillow's JFIF APP0: version 1.01, no density units, 1:1, no thumbnail. */
    static final byte[] APP0_JFIF = HexFormat.of().parseHex("ffe000104a46494600010100000100010000");

    private JpegSegments() {}

    static void soi(ByteSink out) {
        out.write(0xFF);
        out.write(Markers.SOI);
    }

    static void eoi(ByteSink out) {
        out.write(0xFF);
        out.write(Markers.EOI);
    }

    static void rst(ByteSink out, int n) {
        out.write(0xFF);
        out.write(Markers.rst(n));
    }

    static void dqt(ByteSink out, QuantTable t) {
        boolean wide = t.sixteenBit();
        int[] zz = t.zigzag();
        out.write(0xFF);
        out.write(Markers.DQT);
        out.write16(2 + 1 + (wide ? 128 : 64));
        out.write((wide ? 0x10 : 0) | t.id());
        for (int v : zz) {
            if (wide) out.write16(v);
            else out.write(v);
        }
    }

    static void dht(ByteSink out, HuffmanTable t) {
        out.write(0xFF);
        out.write(Markers.DHT);
        out.write16(2 + 1 + 16 + t.symbolCount());
        out.write((t.tableClass() << 4) | t.id());
        for (int i = 0; i < 16; i++) out.write(t.count(i));
        for (int i = 0; i < t.symbolCount(); i++) out.write(t.symbol(i));
    }

    static void sof(ByteSink out, Frame f) {
        out.write(0xFF);
        out.write(f.marker());
        out.write16(8 + 3 * f.components().size());
        out.write(f.precision());
        out.write16(f.height());
        out.write16(f.width());
        out.write(f.components().size());
        for (Frame.Component c : f.components()) {
            out.write(c.id());
            out.write((c.h() << 4) | c.v());
            out.write(c.tq());
        }
    }

    static void dri(ByteSink out, int interval) {
        out.write(0xFF);
        out.write(Markers.DRI);
        out.write16(4);
        out.write16(interval);
    }

    static void sos(ByteSink out, ScanHeader s) {
        out.write(0xFF);
        out.write(Markers.SOS);
        out.write16(6 + 2 * s.components().size());
        out.write(s.components().size());
        for (ScanHeader.Component c : s.components()) {
            out.write(c.id());
            out.write((c.dc() << 4) | c.ac());
        }
        out.write(0);
        out.write(63);
        out.write(0);
    }

    /**
     * The abbreviated header Pillow writes with streamtype=2: SOI, APP0, SOF0, DRI (if any), SOS. Entropy
     * data follows it directly.
     */
    static byte[] abbreviatedHeader(Subsampling s, int width, int height, int restartInterval) {
        var out = new ByteSink(64);
        Frame frame = s.frame(width, height);
        soi(out);
        out.write(APP0_JFIF);
        sof(out, frame);
        if (restartInterval > 0) dri(out, restartInterval);
        sos(out, ScanHeader.forFrame(frame));
        return out.toByteArray();
    }
}
