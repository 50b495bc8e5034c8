package org.jpeglm.jpeg;

/**
 * The Huffman codes of a one-scan frame per block of an MCU (T.81 A.2.3: each component's h×v blocks in turn,
 * one block per MCU in a one-component scan), and for every node of every code which coefficients a code word
 * below it may still be decoded at: what lets {@link CoefficientDecoder} refuse a partial code word at once.
 *
 * <p>Canonical codes allow only what an encoder writes ({@link CoefficientDecoder#canonical}); lenient ones let
 * every code word through, for the decoder to judge as libjpeg does. Immutable.
 */
final class ScanCodes {
    final HuffmanCode[] codes; // per block b: its DC code at 2b, its AC code at 2b + 1
    final long[][] live; // per code as above, per node n: bit k of [2n] (after a ZRL: [2n + 1]) set
    // if a code word below n may be decoded at coefficient k; null: lenient

    /**
     * The codes of frame's blocks under scan's table selection.
     *
     * @param canonical whether code words an encoder never writes are refused as early as possible
     * @throws IllegalArgumentException if tables lack a table the scan selects
     */
    ScanCodes(Frame frame, ScanHeader scan, JpegTables tables, boolean canonical) {
        int n = frame.blocksPerMcu();
        codes = new HuffmanCode[2 * n];
        live = new long[2 * n][];
        int b = 0;
        for (int c = 0; c < frame.components().size(); c++) {
            ScanHeader.Component sc = scan.components().get(c);
            HuffmanCode dc = new HuffmanCode(require(tables.dc(sc.dc()), "DC", sc.dc(), sc.id()));
            HuffmanCode ac = new HuffmanCode(require(tables.ac(sc.ac()), "AC", sc.ac(), sc.id()));
            long[] dcLive = live(dc, canonical), acLive = live(ac, canonical);
            int blocks = n == 1
                    ? 1
                    : frame.components().get(c).h() * frame.components().get(c).v();
            for (int i = 0; i < blocks; i++, b++) {
                codes[2 * b] = dc;
                codes[2 * b + 1] = ac;
                live[2 * b] = dcLive;
                live[2 * b + 1] = acLive;
            }
        }
    }

    /** The codes of subsampling's frame layout, which is the same at every image size. */
    static ScanCodes of(Subsampling subsampling, JpegTables tables, boolean canonical) {
        Frame frame = subsampling.frame(subsampling.mcuWidth(), subsampling.mcuHeight());
        return new ScanCodes(frame, ScanHeader.forFrame(frame), tables, canonical);
    }

    private static HuffmanTable require(HuffmanTable t, String kind, int id, int component) {
        if (t == null) {
            throw new IllegalArgumentException("no " + kind + " Huffman table " + id + " for component " + component);
        }
        return t;
    }

    /** Per node, the coefficients a code word below it may be decoded at; null (any) if not canonical. */
    private static long[] live(HuffmanCode code, boolean canonical) {
        if (!canonical) {
            return null;
        }
        long[] live = new long[2 * code.nodes()];
        // Children are numbered above their parent, so counting down finishes every subtree before its root.
        for (int node = code.nodes() - 1; node >= 0; node--) {
            int s = code.symbol(node);
            for (int afterZrl = 0; afterZrl < 2; afterZrl++) {
                long mask = 0;
                for (int k = 0; s >= 0 && k < 64; k++) {
                    if (CoefficientDecoder.canonical(s, code.isAc(), k, afterZrl == 1)) {
                        mask |= 1L << k;
                    }
                }
                for (int bit = 0; bit < 2; bit++) {
                    int child = code.child(node, bit);
                    mask |= child == 0 ? 0 : live[2 * child + afterZrl];
                }
                live[2 * node + afterZrl] = mask;
            }
        }
        return live;
    }

    /** Blocks in an MCU. */
    int blocks() {
        return codes.length / 2;
    }

    /** Block b's DC code. */
    HuffmanCode dc(int block) {
        return codes[2 * block];
    }

    /** Block b's AC code. */
    HuffmanCode ac(int block) {
        return codes[2 * block + 1];
    }
}
