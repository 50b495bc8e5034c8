package org.jpeglm.jpeg;

import java.util.List;

/**
 * A scan header (SOS). Only full-spectrum sequential scans (Ss=0, Se=63, Ah=Al=0) over all frame
 * components are accepted by the parser, so the header is just the table selection.
 *
 * @param components scan components in order
 */
public record ScanHeader(List<Component> components) {

    /**
     * @param id component identifier (matches a frame component)
     * @param dc DC Huffman table id
     * @param ac AC Huffman table id
     */
    public record Component(int id, int dc, int ac) {}

    public ScanHeader {
        components = List.copyOf(components);
    }

    /** The scan libjpeg writes for a frame: luma with tables 0, chroma with tables 1. */
    static ScanHeader forFrame(Frame frame) {
        return new ScanHeader(frame.components().stream()
                .map(c -> new Component(c.id(), c.tq() == 0 ? 0 : 1, c.tq() == 0 ? 0 : 1))
                .toList());
    }
}
