package org.jpeglm.jpeg;

import java.util.Arrays;

/**
 * A quantization table as stored in DQT.
 *
 * @param id     destination id 0..3
 * @param zigzag 64 quantizer values in zig-zag order (the order DQT stores them), 1..65535
 */
public record QuantTable(int id, int[] zigzag) {

    public QuantTable {
        if (id < 0 || id > 3) throw new IllegalArgumentException("quant table id must be 0..3: " + id);
        if (zigzag.length != 64) throw new IllegalArgumentException("a quant table has 64 values");
        zigzag = zigzag.clone();
        for (int v : zigzag)
            if (v < 1 || v > 0xFFFF) throw new IllegalArgumentException("quantizer out of range: " + v);
    }

    /** The values in zig-zag order (a copy). */
    @Override
    public int[] zigzag() {
        return zigzag.clone();
    }

    /** The values in natural (row-major) order. */
    public int[] natural() {
        int[] out = new int[64];
        for (int k = 0; k < 64; k++) out[ZigZag.NATURAL[k]] = zigzag[k];
        return out;
    }

    /** Whether the table needs 16-bit precision in DQT (any value above 255). */
    public boolean sixteenBit() {
        for (int v : zigzag) if (v > 255) return true;
        return false;
    }

    /** The Annex K base table ({@code luma} K.1 or chroma K.2) scaled as libjpeg's jpeg_set_quality does. */
    static QuantTable scaled(int id, int[] baseNatural, int quality, boolean forceBaseline) {
        int q = Math.clamp(quality, 1, 100);
        int scale = q < 50 ? 5000 / q : 200 - 2 * q;
        int[] zz = new int[64];
        for (int k = 0; k < 64; k++) {
            long v = ((long) baseNatural[ZigZag.NATURAL[k]] * scale + 50) / 100;
            zz[k] = Math.clamp(v, 1, forceBaseline ? 255 : 32767);
        }
        return new QuantTable(id, zz);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantTable t && t.id == id && Arrays.equals(t.zigzag, zigzag);
    }

    @Override
    public int hashCode() {
        return 31 * id + Arrays.hashCode(zigzag);
    }

    @Override
    public String toString() {
        return "QuantTable[id=" + id + ", zigzag=" + Arrays.toString(zigzag) + "]";
    }
}
