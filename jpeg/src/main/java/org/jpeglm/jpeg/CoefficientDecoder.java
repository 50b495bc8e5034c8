package org.jpeglm.jpeg;

/**
 * The one decoder of Huffman-coded sequential DCT blocks (T.81 F.2.2.1–F.2.2.2): per block a DC category and its
 * magnitude bits, then AC run/size symbols, each with its magnitude bits, until an end of block (EOB) or
 * coefficient 63, with ZRL (sixteen zeros) in between; the blocks of an MCU in turn. {@link JpegSyntax} feeds it
 * the bits of each byte as they come ({@link #bits}); {@link ScanTranscoder} has it read whole code words from a
 * {@link BitReader} ({@link #codeWord}) and counts the magnitude bits it reads itself ({@link #magnitude}): any
 * value is valid, so only a caller that wants the coefficients keeps them.
 *
 * <p>What it accepts is libjpeg's reading (any r/0 symbol but ZRL ends the block; a ZRL may reach coefficient
 * 63), narrowed by the codes: with canonical {@link ScanCodes} it refuses a partial code word as soon as no code
 * word below it is one an encoder writes there ({@link #canonical}).
 *
 * <p>Mutable, allocation-free and cheap to copy ({@link #copyFrom}).
 */
final class CoefficientDecoder {
    /** Result: nothing complete yet. */
    static final int MORE = 0;
    /** Result flag: the block is complete. */
    static final int BLOCK_END = 1;
    /** Result flag: the block was the MCU's last. */
    static final int MCU_END = 2;
    /** Fault: no code word (none allowed here) starts with these bits. */
    static final int BAD_CODE = -1;
    /** Fault: a DC category above 11, which 8-bit samples never need. */
    static final int DC_CATEGORY = -2;
    /** Fault: an AC size above 10. */
    static final int AC_SIZE = -3;
    /** Fault: a run of zeros that puts the coefficient past 63. */
    static final int PAST_63 = -4;
    /** Fault: a ZRL past coefficient 63. */
    static final int ZRL_PAST_63 = -5;
    /** {@link #codeWord} result: the data ends inside the code word. */
    static final int DATA_END = -6;

    private final HuffmanCode[] codes; // per block b: DC code at 2b, AC code at 2b + 1
    private final long[][] live; // likewise: per node, the coefficients a code word below may be at (null: any)
    private final int blocks;
    private int block; // block within the MCU
    private int k; // the coefficient being decoded: 0 = DC
    private int table; // the current code word's code: 2 * block for the DC code, 2 * block + 1 for the AC
    private int node; // position in that code's trie (0: at a code word's start)
    private int extra; // magnitude bits of coefficient k still to read
    private int zeroRuns; // ZRLs not yet followed by a coefficient
    private int symbol; // the symbol of a fault, for its message

    CoefficientDecoder(ScanCodes codes) {
        this.codes = codes.codes;
        this.live = codes.live;
        this.blocks = codes.blocks();
    }

    /**
     * Whether an encoder writes symbol for coefficient k (0: DC) of a block, after a ZRL not yet followed by a
     * coefficient if afterZrl: a DC category 0..11; an AC coefficient of size 1..10 that fits before 64; EOB
     * (0x00) but not right after a ZRL; a ZRL that leaves room for a coefficient.
     */
    static boolean canonical(int symbol, boolean ac, int k, boolean afterZrl) {
        if (!ac) {
            return symbol <= 11;
        }
        int run = symbol >> 4, size = symbol & 15;
        if (size == 0) {
            return symbol == 0x00 ? !afterZrl : run == 15 && k + 16 < 64;
        }
        return size <= 10 && k + run <= 63;
    }

    /** The coefficient being decoded (zig-zag index, 0 for DC): the one the pending magnitude bits belong to. */
    int coefficient() {
        return k;
    }

    /** Magnitude bits of {@link #coefficient()} still to read; {@link #codeWord} needs none pending. */
    int magnitudeLeft() {
        return extra;
    }

    /** Reads n (1..{@link #magnitudeLeft()}) magnitude bits; returns {@link #MORE} or flags. */
    int magnitude(int n) {
        extra -= n;
        return extra > 0 ? MORE : coefficientDone();
    }

    /**
     * Reads the low n (1..8) bits of value, the highest first, code words and magnitude bits alike, for callers that
     * get the data a byte at a time; stops after a bit that ends an MCU. Returns the bits read shifted left by 2,
     * or'ed with the flags of the last one, or a fault (negative).
     */
    int bits(int value, int n) {
        HuffmanCode code = codes[table]; // the code of a code word under way; chosen again at each one's start
        long[] alive = live[table];
        int at = node, i = n; // i: bits of value not read yet
        while (i > 0) {
            int r;
            if (extra > 0) { // magnitude bits: any value will do
                int m = Math.min(extra, i);
                i -= m;
                r = magnitude(m);
            } else {
                if (at == 0) {
                    table = k == 0 ? 2 * block : 2 * block + 1;
                    code = codes[table];
                    alive = live[table];
                }
                int next = next(code, alive, at, value >> --i & 1);
                if (next == 0) {
                    node = at;
                    return BAD_CODE;
                }
                if (!code.isLeaf(next)) {
                    at = next;
                    continue;
                }
                at = 0;
                r = symbol(code.symbol(next));
                if (r < 0) {
                    node = 0;
                    return r;
                }
            }
            if ((r & MCU_END) != 0) {
                node = at;
                return (n - i) << 2 | r;
            }
        }
        node = at;
        return n << 2;
    }

    /**
     * Reads a whole code word from in, for callers that hold the data (its magnitude bits stay in in); returns
     * {@link #MORE}, flags, or a fault (negative), {@link #DATA_END} if in ends inside it. Same trie and rules as
     * {@link #bits}; for a {@link #magnitudeLeft() magnitude} of 0 only.
     */
    int codeWord(BitReader in) {
        table = k == 0 ? 2 * block : 2 * block + 1;
        HuffmanCode code = codes[table];
        long[] alive = live[table];
        int bits = in.peek16(), available = (int) Math.min(16, in.remaining()), at = 0, i = 0;
        if (alive == null && available >= 8) { // lenient codes: up to 8 bits at once, unless they break off
            int jump = code.jump(bits >>> 8);
            if (jump >>> 4 != 0) {
                at = jump >>> 4;
                i = jump & 15;
            }
        }
        while (!code.isLeaf(at)) {
            if (i == available) {
                in.skip(i);
                return DATA_END;
            }
            int next = next(code, alive, at, bits >>> (15 - i++) & 1);
            if (next == 0) {
                in.skip(i); // the bit no code word continues with is read too
                node = at; // where the code word broke off, for codeBits()
                return BAD_CODE;
            }
            at = next;
        }
        in.skip(i);
        node = 0;
        return symbol(code.symbol(at));
    }

    /** The node after bit v from node, or 0 if no code word (none allowed at coefficient k) continues that way. */
    private int next(HuffmanCode code, long[] alive, int node, int v) {
        int next = code.child(node, v);
        return next != 0 && (alive == null || (alive[2 * next + (zeroRuns == 0 ? 0 : 1)] >>> k & 1) != 0) ? next : 0;
    }

    /** What symbol s means at coefficient k; returns {@link #MORE}, flags, or a fault. */
    private int symbol(int s) {
        if (k == 0) { // a DC category: as many magnitude bits follow
            return s > 11 ? fault(DC_CATEGORY, s) : magnitudeBits(s);
        }
        int run = s >> 4, size = s & 15;
        if (size == 0) {
            if (run != 15) {
                return endBlock(); // EOB
            }
            if (k + 16 > 64) {
                return ZRL_PAST_63;
            }
            k += 16;
            zeroRuns++;
            return k == 64 ? endBlock() : MORE;
        }
        if (size > 10) {
            return fault(AC_SIZE, s);
        }
        k += run;
        if (k > 63) {
            return PAST_63;
        }
        zeroRuns = 0;
        return magnitudeBits(size);
    }

    private int fault(int fault, int s) {
        symbol = s;
        return fault;
    }

    private int magnitudeBits(int n) {
        extra = n;
        return n == 0 ? coefficientDone() : MORE;
    }

    private int coefficientDone() {
        return ++k == 64 ? endBlock() : MORE;
    }

    private int endBlock() { // small enough to inline where blocks end
        k = 0;
        zeroRuns = 0;
        return ++block < blocks ? BLOCK_END : endMcu();
    }

    private int endMcu() {
        block = 0;
        return BLOCK_END | MCU_END;
    }

    /** Goes back to the start of an MCU, as after a restart marker. */
    void reset() {
        block = k = table = node = extra = zeroRuns = 0;
    }

    /** Makes this decoder equal to other (which must decode the same codes). */
    void copyFrom(CoefficientDecoder other) {
        block = other.block;
        k = other.k;
        table = other.table;
        node = other.node;
        extra = other.extra;
        zeroRuns = other.zeroRuns;
        symbol = other.symbol;
    }

    /**
     * Everything that decides the bits that may follow, packed into 35 bits: block (4), coefficient (7), trie
     * node (16), magnitude bits left (5), ZRLs pending (3). (The code a node belongs to follows from block and k.)
     */
    long key() {
        long kk = block;
        kk = kk << 7 | k;
        kk = kk << 16 | node;
        kk = kk << 5 | extra;
        return kk << 3 | Math.min(zeroRuns, 7);
    }

    /** What went wrong, for a fault {@link #bits} or {@link #codeWord} returned. */
    String describe(int fault) {
        String what = k == 0 ? "a DC" : "an AC";
        return switch (fault) {
            case BAD_CODE -> "invalid " + what + " Huffman code";
            case DC_CATEGORY -> "DC category " + symbol + " above 11";
            case AC_SIZE -> "AC size " + (symbol & 15) + " above 10";
            case PAST_63 -> "coefficient index " + k + " past 63";
            case ZRL_PAST_63 -> "zero run past coefficient 63";
            case DATA_END -> describeEnd();
            default -> throw new IllegalArgumentException("not a fault: " + fault);
        };
    }

    /** What the data ended inside of, when it ends before the block does. */
    String describeEnd() {
        return "data ends inside " + (k == 0 ? "a DC" : "an AC") + (extra > 0 ? " value" : " code");
    }

    /** The bits of the current code word read so far, the one just refused included. */
    int codeBits() {
        return codes[table].depth(node) + 1;
    }
}
