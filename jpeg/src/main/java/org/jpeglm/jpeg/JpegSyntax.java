package org.jpeglm.jpeg;

import java.util.Objects;

/**
 * The byte-level grammar of the abbreviated streams of one profile and image size: exactly the profile's header,
 * then entropy-coded data that Huffman-decodes with the profile's tables into whole MCUs, canonically coded as an
 * encoder writes it (1-bits padding each restart interval, {@code FF 00} stuffing, no run of zeros coded before an
 * end of block), a restart marker in the RST0..RST7 cycle after every interval, and EOI after the last MCU.
 *
 * <p>A stream this grammar accepts is one {@link JpegRepair} reports as clean. A {@link State} advances byte by
 * byte and says at once when a byte cannot continue a valid stream; every prefix it accepts can be completed. It
 * is the basis of constrained generation: a token may be sampled only if the state accepts all its bytes.
 *
 * <p>Its bytes after the header go through the package's one walker of entropy-coded data ({@code ScanBytes}) and
 * one block decoder ({@code CoefficientDecoder}), the ones parsing and repair use, with its Huffman codes made
 * canonical: no fill bytes, padding all 1-bits, only symbols an encoder writes where it writes them.
 *
 * <p>Immutable and thread-safe; states are not.
 */
public final class JpegSyntax {
    private final byte[] header;
    private final int mcus;
    private final int restartInterval;
    private final ScanCodes codes;

    /** The grammar of streams of profile (which must fix the image size). */
    public JpegSyntax(JpegProfile profile) {
        this(profile, profile.tables());
    }

    /**
     * The grammar of streams of profile coded with tables' Huffman tables.
     *
     * @throws IllegalArgumentException if the profile fixes no image size or tables lack a Huffman table it uses
     */
    public JpegSyntax(JpegProfile profile, JpegTables tables) {
        Objects.requireNonNull(profile, "profile");
        if (!profile.hasSize()) {
            throw new IllegalArgumentException("the grammar needs a profile with a fixed image size: " + profile);
        }
        this.header = JpegStreams.header(profile);
        this.mcus =
                profile.subsampling().frame(profile.width(), profile.height()).mcuCount();
        this.restartInterval = profile.restartInterval();
        this.codes = ScanCodes.of(profile.subsampling(), tables, true);
    }

    /** MCUs of the image. */
    public int mcuCount() {
        return mcus;
    }

    /** A lower bound on the entropy-coded bits of one MCU: per block, the shortest DC code and AC code. */
    public int minBitsPerMcu() {
        int bits = 0;
        for (int b = 0; b < codes.blocks(); b++) {
            bits += codes.dc(b).shortest() + codes.ac(b).shortest();
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
        private boolean padding; // the interval is complete: the rest of the byte must be 1-bits
        private final ScanBytes walker = new ScanBytes();
        private final CoefficientDecoder decoder = new CoefficientDecoder(codes);

        private State() {}

        /** Makes this state equal to other. */
        public void copyFrom(State other) {
            phase = other.phase;
            headerPos = other.headerPos;
            mcu = other.mcu;
            inInterval = other.inInterval;
            padding = other.padding;
            walker.copyFrom(other.walker);
            decoder.copyFrom(other.decoder);
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
            kk = kk << 35 | decoder.key(); // 35
            kk = kk << 1 | (padding ? 1 : 0); // 1
            kk = kk << 1 | (walker.afterFF() ? 1 : 0); // 1
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
            return switch (phase) {
                case HEADER -> header(b);
                case DATA, MARKER, MARKER_2 -> scan(b);
                default -> die();
            };
        }

        private boolean header(int b) {
            if ((header[headerPos] & 0xFF) != b) {
                return die();
            }
            if (++headerPos == header.length) {
                phase = mcus == 0 ? MARKER : DATA;
            }
            return true;
        }

        /** A byte after the header: data while an interval lasts, then its marker (fill bytes are not canonical). */
        private boolean scan(int b) {
            return switch (walker.next(b)) {
                case ScanBytes.DATA -> phase == DATA ? data(b) : die();
                case ScanBytes.FF -> phase == DATA ? data(b) : phase == MARKER ? to(MARKER_2) : die();
                case ScanBytes.STUFFED -> phase != MARKER_2 || die(); // the 00 after a data FF
                case ScanBytes.RST, ScanBytes.EOI ->
                    phase == MARKER_2 && b == expectedMarker() ? nextInterval() : die();
                default -> die();
            };
        }

        /** The eight bits of a data byte: entropy-coded MCUs, after the interval's last one 1-bit padding. */
        private boolean data(int b) {
            for (int left = 8; left > 0; ) { // left: the low bits of b not read yet
                if (padding) {
                    return (b | -1 << left) == -1 || die();
                }
                int r = decoder.bits(b, left); // stops where an MCU ends
                if (r < 0) {
                    return die();
                }
                left -= r >> 2;
                if ((r & CoefficientDecoder.MCU_END) != 0) {
                    mcuDone();
                }
            }
            return true;
        }

        private void mcuDone() {
            mcu++;
            inInterval++;
            if (mcu == mcus || (restartInterval > 0 && inInterval == restartInterval)) {
                padding = true;
                phase = MARKER;
            }
        }

        private int expectedMarker() {
            return mcu == mcus ? Markers.EOI : Markers.rst(mcu / restartInterval - 1);
        }

        private boolean nextInterval() {
            phase = mcu == mcus ? DONE : DATA;
            inInterval = 0;
            padding = false;
            return true;
        }

        private boolean to(int next) {
            phase = next;
            return true;
        }

        private boolean die() {
            phase = DEAD;
            return false;
        }

        @Override
        public String toString() {
            return "State[phase " + phase + ", mcu " + mcu + "/" + mcus + "]";
        }
    }
}
