package org.jpeglm.jpeg;

import java.util.Arrays;

/**
 * One marker segment of a JPEG file: where it lies in the file. Standalone markers (SOI, EOI, RSTn) have
 * length 2; others have 2 marker bytes + their 2-byte length field's value.
 *
 * @param marker the marker byte after 0xFF (e.g. 0xDB for DQT)
 * @param offset offset of the 0xFF that starts it
 * @param length total bytes, marker included
 */
public record Segment(int marker, int offset, int length) {

    /** Offset just past the segment. */
    public int end() {
        return offset + length;
    }

    /** A copy of the segment's bytes from {@code file}. */
    public byte[] bytes(byte[] file) {
        return Arrays.copyOfRange(file, offset, end());
    }

    /** Short name of the marker, e.g. "SOF0", "APP0", "DQT". */
    public String name() {
        return Markers.name(marker);
    }
}
