package org.jpeglm.jpeg;

/**
 * Chroma layout of an encoded image: which components the frame has and how they are sampled. The names
 * follow Pillow's {@code subsampling=} values.
 */
public enum Subsampling {
    /** Y at full resolution, Cb and Cr halved both ways: 16×16-pixel MCUs of 4 Y + 1 Cb + 1 Cr blocks. */
    S420(2, 2, 3),
    /** Y, Cb and Cr all at full resolution: 8×8-pixel MCUs of one block per component. */
    S444(1, 1, 3),
    /**
     * One luma component, written with sampling factors 2×2 as Pillow does for an L image saved with
     * {@code subsampling='4:2:0'} (and cjpeg with {@code -sample 2x2}). A one-component scan is not
     * interleaved, so MCUs are still single 8×8 blocks; only the SOF byte differs from {@link #GRAY_444}.
     */
    GRAY(2, 2, 1),
    /** One luma component with sampling factors 1×1 (Pillow's {@code subsampling='4:4:4'} or default). */
    GRAY_444(1, 1, 1);

    private final int lumaH;
    private final int lumaV;
    private final int components;

    Subsampling(int lumaH, int lumaV, int components) {
        this.lumaH = lumaH;
        this.lumaV = lumaV;
        this.components = components;
    }

    /** Number of colour components in the frame: 3 or 1. */
    public int components() {
        return components;
    }

    /** Whether this is a one-component (gray) layout. */
    public boolean isGray() {
        return components == 1;
    }

    /** Horizontal sampling factor of the luma component (chroma components always use 1). */
    public int lumaH() {
        return lumaH;
    }

    /** Vertical sampling factor of the luma component (chroma components always use 1). */
    public int lumaV() {
        return lumaV;
    }

    /** MCU width in pixels. */
    public int mcuWidth() {
        return components == 1 ? 8 : 8 * lumaH;
    }

    /** MCU height in pixels. */
    public int mcuHeight() {
        return components == 1 ? 8 : 8 * lumaV;
    }

    /** Number of MCUs covering a {@code width}×{@code height} image. */
    public int mcuCount(int width, int height) {
        return ceilDiv(width, mcuWidth()) * ceilDiv(height, mcuHeight());
    }

    /** The frame's component layout: ids 1..n, luma with table 0, chroma with table 1, as libjpeg writes it. */
    Frame frame(int width, int height) {
        var comps = components == 1
                ? java.util.List.of(new Frame.Component(1, lumaH, lumaV, 0))
                : java.util.List.of(
                        new Frame.Component(1, lumaH, lumaV, 0),
                        new Frame.Component(2, 1, 1, 1),
                        new Frame.Component(3, 1, 1, 1));
        return new Frame(0xC0, 8, width, height, comps);
    }

    /** The subsampling a frame uses, or null when it is none of these three layouts. */
    static Subsampling of(Frame frame) {
        for (Subsampling s : values()) {
            if (s.components == frame.components().size()) {
                Frame expected = s.frame(frame.width(), frame.height());
                boolean same = true;
                for (int i = 0; i < s.components; i++) {
                    Frame.Component a = frame.components().get(i),
                            b = expected.components().get(i);
                    same &= a.h() == b.h() && a.v() == b.v();
                }
                if (same) return s;
            }
        }
        return null;
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
