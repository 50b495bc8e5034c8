package org.jpeglm.jpeg;

import java.util.List;

/**
 * A parsed single-scan sequential JPEG (complete or abbreviated), as {@link JpegParser#parse} returns it.
 *
 * @param bytes           the parsed bytes (not copied; do not modify)
 * @param segments        the marker segments from SOI through SOS, in file order
 * @param frame           the frame header
 * @param scan            the scan header
 * @param restartInterval MCUs per restart interval from DRI (0 without DRI)
 * @param tables          the DQT/DHT tables the file defines (empty for an abbreviated stream)
 * @param mcuIndex        where each restart interval's entropy-coded bytes lie
 * @param end             offset just past EOI (later bytes are ignored trailing data)
 */
public record JpegFile(
        byte[] bytes,
        List<Segment> segments,
        Frame frame,
        ScanHeader scan,
        int restartInterval,
        JpegTables tables,
        McuIndex mcuIndex,
        int end) {

    public JpegFile {
        segments = List.copyOf(segments);
    }

    /** Offset of the first entropy-coded byte (just past the SOS segment). */
    public int scanStart() {
        return segments.getLast().end();
    }

    /** Offset of the EOI marker. */
    public int eoiOffset() {
        return end - 2;
    }

    /** Whether every table the frame and scan refer to is defined in the file (so ImageIO can decode it). */
    public boolean hasAllTables() {
        for (Frame.Component c : frame.components()) if (tables.quant(c.tq()) == null) return false;
        for (ScanHeader.Component c : scan.components())
            if (tables.dc(c.dc()) == null || tables.ac(c.ac()) == null) return false;
        return true;
    }

    /** Whether the file defines no tables at all: the abbreviated form a Jpeg-LM model reads. */
    public boolean isAbbreviated() {
        return tables.isEmpty();
    }

    /** The subsampling the frame matches, or null for other layouts. */
    public Subsampling subsampling() {
        return frame.subsampling();
    }
}
