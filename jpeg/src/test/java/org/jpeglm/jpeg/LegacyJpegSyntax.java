package org.jpeglm.jpeg;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * <b>Test oracle</b>: {@code JpegSyntax} as it was before one walker and one decoder replaced the scanners (commit
 * ae8bfbd), kept to check that the new code accepts, refuses and repairs exactly as before
 * ({@link ScanOracleProperties}). Do not use elsewhere.
 *
 * <p>The byte-level grammar of the abbreviated streams of one profile and image size: exactly the profile's header,
 * then entropy-coded data that Huffman-decodes with the profile's tables into whole MCUs, canonically coded as an
 * encoder writes it (1-bits padding each restart interval, {@code FF 00} stuffing, no run of zeros coded before an
 * end of block), a restart marker in the RST0..RST7 cycle after every interval, and EOI after the last MCU.
 *
 * <p>A stream this grammar accepts is one {@link JpegRepair} reports as clean. A {@link State} advances byte by
 * byte and says at once when a byte cannot continue a valid stream; every prefix it accepts can be completed. It
 * is the basis of constrained generation: a token may be sampled only if the state accepts all its bytes.
 *
 * <p>Immutable and thread-safe; states are not.
 */
final class LegacyJpegSyntax {
    private final byte[] header;
    private final int mcus;
    private final int restartInterval;
    private final int[] blockDc; // per block of an MCU: its DC decoder index
    private final int[] blockAc;
    private final Decoder[] decoders;

    /** The grammar of streams of profile (which must fix the image size). */
    LegacyJpegSyntax(JpegProfile profile) {
        this(profile, profile.tables());
    }

    /** The grammar of streams of profile coded with tables' Huffman tables. */
    LegacyJpegSyntax(JpegProfile profile, JpegTables tables) {
        Objects.requireNonNull(profile, "profile");
        if (!profile.hasSize()) {
            throw new IllegalArgumentException("the grammar needs a profile with a fixed image size: " + profile);
        }
        this.header = JpegStreams.header(profile);
        Frame frame = profile.subsampling().frame(profile.width(), profile.height());
        ScanHeader scan = ScanHeader.forFrame(frame);
        this.mcus = frame.mcuCount();
        this.restartInterval = profile.restartInterval();
        List<Decoder> ds = new ArrayList<>();
        List<Integer> dc = new ArrayList<>();
        List<Integer> ac = new ArrayList<>();
        boolean single = frame.components().size() == 1;
        for (int i = 0; i < frame.components().size(); i++) {
            Frame.Component c = frame.components().get(i);
            ScanHeader.Component sc = scan.components().get(i);
            int blocks = single ? 1 : c.h() * c.v();
            HuffmanTable dcTable = Objects.requireNonNull(tables.dc(sc.dc()), "no DC Huffman table " + sc.dc());
            HuffmanTable acTable = Objects.requireNonNull(tables.ac(sc.ac()), "no AC Huffman table " + sc.ac());
            ds.add(new Decoder(dcTable));
            int dcIndex = ds.size() - 1;
            ds.add(new Decoder(acTable));
            int acIndex = ds.size() - 1;
            for (int b = 0; b < blocks; b++) {
                dc.add(dcIndex);
                ac.add(acIndex);
            }
        }
        this.decoders = ds.toArray(Decoder[]::new);
        this.blockDc = dc.stream().mapToInt(Integer::intValue).toArray();
        this.blockAc = ac.stream().mapToInt(Integer::intValue).toArray();
    }

    /** MCUs of the image. */
    public int mcuCount() {
        return mcus;
    }

    /** A lower bound on the entropy-coded bits of one MCU: per block, the shortest DC code and AC code. */
    public int minBitsPerMcu() {
        int bits = 0;
        for (int b = 0; b < blockDc.length; b++) {
            bits += decoders[blockDc[b]].shortest() + decoders[blockAc[b]].shortest();
        }
        return Math.max(1, bits);
    }

    /** The header every stream starts with (SOI, APP0, SOF0, DRI, SOS). */
    public byte[] header() {
        return header.clone();
    }

    /** A state before the first byte. */
    public State start() {
        return new State();
    }

    /** Whether bytes form a complete valid stream. */
    public boolean accepts(byte[] bytes) {
        State s = start();
        return s.advance(bytes, 0, bytes.length) && s.isComplete();
    }

    /**
     * A Huffman table as a binary trie of its canonical codes. Each node also knows which symbols lie below it, so
     * a partial code is refused as soon as no symbol it can still become is valid there (the grammar stays
     * prefix-closed: whatever it accepts can be completed).
     */
    private static final class Decoder {
        int[] zero = new int[1]; // child on a 0 bit, 0 if none (the root is never a child)
        int[] one = new int[1];
        int[] symbol = {-1}; // the symbol of a leaf, -1 for inner nodes
        int[] minRun = {99}; // AC: the smallest run of a coefficient symbol (size 1..10) below
        boolean[] eob = {false}; // AC: an end of block below
        boolean[] zrl = {false}; // AC: a ZRL below
        boolean[] dc = {false}; // DC: a category 0..11 below
        int nodes = 1;

        Decoder(HuffmanTable t) {
            int[] counts = t.counts();
            int[] symbols = t.symbols();
            int code = 0;
            int k = 0;
            for (int len = 1; len <= 16; len++) {
                for (int i = 0; i < counts[len - 1]; i++) {
                    insert(code++, len, symbols[k++], t.tableClass() == 1);
                }
                code <<= 1;
            }
        }

        private void insert(int code, int len, int sym, boolean ac) {
            int node = 0;
            for (int bit = len - 1; bit >= 0; bit--) {
                note(node, sym, ac);
                int[] side = ((code >> bit) & 1) == 0 ? zero : one;
                if (side[node] == 0) {
                    grow();
                    side = ((code >> bit) & 1) == 0 ? zero : one;
                    side[node] = nodes++;
                }
                node = side[node];
            }
            note(node, sym, ac);
            symbol[node] = sym;
        }

        private void note(int node, int sym, boolean ac) {
            int run = sym >> 4;
            int size = sym & 15;
            if (!ac) {
                dc[node] |= sym <= 11;
            } else if (sym == 0x00) {
                eob[node] = true;
            } else if (sym == 0xF0) {
                zrl[node] = true;
            } else if (size >= 1 && size <= 10) {
                minRun[node] = Math.min(minRun[node], run);
            }
        }

        private void grow() {
            if (nodes < zero.length) {
                return;
            }
            int n = zero.length * 2;
            zero = java.util.Arrays.copyOf(zero, n);
            one = java.util.Arrays.copyOf(one, n);
            int old = symbol.length;
            symbol = java.util.Arrays.copyOf(symbol, n);
            minRun = java.util.Arrays.copyOf(minRun, n);
            java.util.Arrays.fill(symbol, old, n, -1);
            java.util.Arrays.fill(minRun, old, n, 99);
            eob = java.util.Arrays.copyOf(eob, n);
            zrl = java.util.Arrays.copyOf(zrl, n);
            dc = java.util.Arrays.copyOf(dc, n);
        }

        /** Whether a code reaching node can still end in a symbol valid at coefficient k. */
        boolean alive(int node, int k, int zeroRuns) {
            if (k == 0) {
                return dc[node];
            }
            return minRun[node] <= 63 - k || (eob[node] && zeroRuns == 0) || (zrl[node] && k + 16 < 64);
        }

        int shortest() {
            int best = 16;
            int[] depth = new int[nodes];
            for (int n = 0; n < nodes; n++) {
                if (symbol[n] >= 0 && n != 0) {
                    best = Math.min(best, depth[n]);
                }
                if (zero[n] != 0) {
                    depth[zero[n]] = depth[n] + 1;
                }
                if (one[n] != 0) {
                    depth[one[n]] = depth[n] + 1;
                }
            }
            return best;
        }
    }

    /** {@link State#key()} of a state that cannot be keyed. */
    public static final long NO_KEY = Long.MIN_VALUE;

    /** Keys are exact for continuations that complete fewer MCUs than this. */
    public static final int KEY_HORIZON = 63;

    private static final int HEADER = 0;
    private static final int DATA = 1; // entropy-coded data, inside an MCU
    private static final int MARKER = 2; // interval complete: FF then RSTn or EOI expected
    private static final int MARKER_2 = 3; // FF of the marker seen
    private static final int DONE = 4; // EOI seen
    private static final int DEAD = 5; // no valid continuation

    /**
     * A position in the grammar. Mutable and cheap to copy ({@link #copyFrom}); {@link #key()} packs everything
     * that decides which bytes may follow, so equal keys accept the same continuations.
     */
    public final class State {
        private int phase = HEADER;
        private int headerPos;
        private int mcu; // MCUs completed
        private int inInterval; // MCUs completed in the current restart interval
        private int block; // block within the MCU
        private int k; // coefficient index in the block: 0 = DC
        private int node; // position in the current Huffman code's trie (0: at a code's start)
        private int extra; // magnitude bits still to read
        private int zeroRuns; // ZRLs not yet followed by a coefficient (an EOB after them is not canonical)
        private boolean padding; // the interval is complete: the rest of the byte must be 1-bits
        private boolean stuffing; // the last data byte was FF: 00 must follow

        private State() {}

        /** Makes this state equal to other. */
        public void copyFrom(State other) {
            phase = other.phase;
            headerPos = other.headerPos;
            mcu = other.mcu;
            inInterval = other.inInterval;
            block = other.block;
            k = other.k;
            node = other.node;
            extra = other.extra;
            zeroRuns = other.zeroRuns;
            padding = other.padding;
            stuffing = other.stuffing;
        }

        /** A copy of this state. */
        public State copy() {
            State s = new State();
            s.copyFrom(this);
            return s;
        }

        /** Whether a complete stream (through EOI) has been read. */
        public boolean isComplete() {
            return phase == DONE;
        }

        /** Whether a byte failed: nothing can follow. */
        public boolean isDead() {
            return phase == DEAD;
        }

        /** MCUs completed so far. */
        public int mcusDone() {
            return mcu;
        }

        /**
         * Everything that decides the accepted continuations, packed into 62 bits, or {@link #NO_KEY} for
         * restart intervals above 63 MCUs. Two states with equal keys accept the same byte sequences among those
         * that complete fewer than {@link #KEY_HORIZON} MCUs (the MCU count enters only as the MCUs left, capped,
         * and the restart number), so states at different MCUs share keys.
         */
        public long key() {
            return key(KEY_HORIZON);
        }

        /**
         * {@link #key()} exact only for continuations that complete fewer than horizon MCUs (1..63): fewer
         * distinct keys, for callers that know how far their byte sequences reach.
         */
        public long key(int horizon) {
            if (restartInterval > 63) {
                return NO_KEY;
            }
            if (horizon < 1 || horizon > KEY_HORIZON) {
                throw new IllegalArgumentException("horizon must be in [1, " + KEY_HORIZON + "], got " + horizon);
            }
            int intervalsDone = restartInterval == 0 ? 0 : mcu / restartInterval;
            int remaining = Math.min(mcus - mcu, horizon);
            long kk = phase; // 3 bits
            kk = kk << 7 | (phase == HEADER ? headerPos : 0); // 7
            kk = kk << 4 | block; // 4
            kk = kk << 7 | k; // 7
            kk = kk << 16 | node; // 16
            kk = kk << 5 | extra; // 5
            kk = kk << 3 | Math.min(zeroRuns, 7); // 3
            kk = kk << 1 | (padding ? 1 : 0); // 1
            kk = kk << 1 | (stuffing ? 1 : 0); // 1
            kk = kk << 3 | intervalsDone % 8; // 3
            kk = kk << 6 | remaining; // 6
            kk = kk << 6 | inInterval; // 6
            return kk;
        }

        /** Reads bytes [from, to); false (and dead) as soon as one cannot continue a valid stream. */
        public boolean advance(byte[] bytes, int from, int to) {
            for (int i = from; i < to && phase != DEAD; i++) {
                advance(bytes[i] & 0xFF);
            }
            return phase != DEAD;
        }

        /** Reads one byte; false (and dead) if it cannot continue a valid stream. */
        public boolean advance(int b) {
            switch (phase) {
                case HEADER -> {
                    if ((header[headerPos] & 0xFF) != b) {
                        return die();
                    }
                    if (++headerPos == header.length) {
                        phase = mcus == 0 ? MARKER : DATA;
                    }
                }
                case DATA -> {
                    if (stuffing) {
                        stuffing = false;
                        return b == 0x00 || die();
                    }
                    for (int bit = 7; bit >= 0; bit--) {
                        if (!bit((b >> bit) & 1)) {
                            return die();
                        }
                    }
                    if (phase == DATA) {
                        stuffing = b == 0xFF;
                    } else if (phase == MARKER) {
                        // The interval ended inside this byte and the rest was 1-bit padding.
                        if (b == 0xFF) {
                            stuffing = true; // data FF: its 00 comes before the marker
                        }
                    }
                }
                case MARKER -> {
                    if (stuffing) {
                        stuffing = false;
                        return b == 0x00 || die();
                    }
                    if (b != 0xFF) {
                        return die();
                    }
                    phase = MARKER_2;
                }
                case MARKER_2 -> {
                    boolean end = mcu == mcus;
                    int expected = end ? 0xD9 : 0xD0 + ((mcu / restartInterval - 1) % 8);
                    if (b != expected) {
                        return die();
                    }
                    phase = end ? DONE : DATA;
                    inInterval = 0;
                    padding = false;
                }
                default -> {
                    return die();
                }
            }
            return true;
        }

        private boolean die() {
            phase = DEAD;
            return false;
        }

        /** One bit of entropy-coded data. */
        private boolean bit(int v) {
            if (padding) {
                return v == 1;
            }
            if (extra > 0) {
                if (--extra == 0 && k >= 64) {
                    return endBlock();
                }
                return true;
            }
            Decoder d = decoders[k == 0 ? blockDc[block] : blockAc[block]];
            int next = v == 0 ? d.zero[node] : d.one[node];
            if (next == 0 || !d.alive(next, k, zeroRuns)) {
                return false; // no such code, or none that is valid here
            }
            int symbol = d.symbol[next];
            if (symbol < 0) {
                node = next;
                return true;
            }
            node = 0;
            if (k == 0) {
                if (symbol > 11) {
                    return false; // DC categories are 0..11 for 8-bit samples
                }
                k = 1;
                extra = symbol;
                return true;
            }
            int run = symbol >> 4;
            int size = symbol & 15;
            if (size == 0) {
                if (run == 0) { // EOB
                    return zeroRuns == 0 && endBlock();
                }
                if (run == 15) { // ZRL: 16 zeros
                    k += 16;
                    zeroRuns++;
                    return k < 64; // a run must be followed by a coefficient within the block
                }
                return false; // r/0 for 0 < r < 15 is not defined
            }
            if (size > 10) {
                return false;
            }
            k += run + 1;
            zeroRuns = 0;
            if (k > 64) {
                return false;
            }
            extra = size;
            return true; // k == 64 ends the block once the magnitude bits are read
        }

        private boolean endBlock() {
            k = 0;
            zeroRuns = 0;
            if (++block < blockDc.length) {
                return true;
            }
            block = 0;
            mcu++;
            inInterval++;
            if (mcu == mcus || (restartInterval > 0 && inInterval == restartInterval)) {
                padding = true;
                phase = MARKER;
            }
            return true;
        }

        @Override
        public String toString() {
            return "State[phase " + phase + ", mcu " + mcu + "/" + mcus + ", block " + block + ", k " + k + "]";
        }
    }
}
