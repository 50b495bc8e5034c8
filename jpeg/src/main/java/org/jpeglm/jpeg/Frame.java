package org.jpeglm.jpeg;

import java.util.List;

/**
 * A frame header (SOFn): image size and component layout.
 *
 * @param marker     the SOF marker byte (0xC0 baseline, 0xC1 extended sequential)
 * @param precision  bits per sample (always 8 here)
 * @param width      samples per line
 * @param height     lines
 * @param components components in frame order
 */
public record Frame(int marker, int precision, int width, int height, List<Component> components) {

    /**
     * One frame component.
     *
     * @param id component identifier as written in SOF and SOS
     * @param h  horizontal sampling factor 1..4
     * @param v  vertical sampling factor 1..4
     * @param tq quantization table id 0..3
     */
    public record Component(int id, int h, int v, int tq) {}

    public Frame {
        components = List.copyOf(components);
    }

    /** Largest horizontal sampling factor. */
    public int maxH() {
        return components.stream().mapToInt(Component::h).max().orElse(1);
    }

    /** Largest vertical sampling factor. */
    public int maxV() {
        return components.stream().mapToInt(Component::v).max().orElse(1);
    }

    /** Number of MCUs of the (single) scan over all components; for one component, its block count. */
    public int mcuCount() {
        if (components.size() == 1) {
            Component c = components.getFirst();
            int bw = Subsampling.ceilDiv(Subsampling.ceilDiv(width * c.h(), maxH()), 8);
            int bh = Subsampling.ceilDiv(Subsampling.ceilDiv(height * c.v(), maxV()), 8);
            return bw * bh;
        }
        return Subsampling.ceilDiv(width, 8 * maxH()) * Subsampling.ceilDiv(height, 8 * maxV());
    }

    /** Number of 8×8 blocks in one MCU. */
    public int blocksPerMcu() {
        if (components.size() == 1) return 1;
        return components.stream().mapToInt(c -> c.h() * c.v()).sum();
    }

    /** The subsampling this frame's layout matches, or null. */
    public Subsampling subsampling() {
        return Subsampling.of(this);
    }
}
