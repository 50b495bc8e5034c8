package org.jpeglm.jpeg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns a model-generated stream into a decodable one with exactly the MCUs the image needs, and reports
 * what it changed. Generated streams may stop early, run past EOI, break the RST0..RST7 cycle, lack EOI,
 * hold 0xFF bytes that start no valid marker, or contain undecodable Huffman data.
 *
 * <p>Policy:
 * <ul>
 * <li>The header is the profile's: the output always starts with {@link JpegStreams#header(JpegProfile,
 * int, int)}. Image size comes from the profile; only a profile without a size takes it from the input's SOF
 * (and then fails with {@link JpegFormatException} if there is no usable SOF). A header that differs (wrong
 * SOF size, missing DRI, tables included, ...) is replaced and reported, never trusted over the profile.
 * The entropy-coded data starts after the input's first SOS segment; with none, all MCUs are padded.
 * <li>In the entropy-coded data, {@code FF 00} is data, {@code FF D0..D7} closes a restart interval,
 * {@code FF D9} ends the scan (later bytes dropped), and any other 0xFF is removed (the byte after it stays
 * as data).
 * <li>Each restart interval is Huffman-decoded with the profile's standard tables and re-encoded: intact
 * data comes out bit-identical; damaged MCUs keep what decoded; missing MCUs become neutral MCUs (DC
 * difference 0, immediate EOB; for the paper's profile 4 bytes {@code 28 A2 8A 00}); intervals past the
 * expected count are dropped. RST markers are renumbered in sequence and EOI is written.
 * </ul>
 * Linear in the input size; never throws for a profile with a fixed size.
 */
public final class JpegRepair {

    /** Most notes a report keeps. */
    public static final int MAX_NOTES = 20;

    /**
     * A repaired stream.
     *
     * @param stream the abbreviated stream (what the model should have written)
     * @param jpeg   the complete JFIF file: {@code stream} with the profile's tables, ready for any decoder
     * @param report what was changed
     */
    public record Result(byte[] stream, byte[] jpeg, RepairReport report) {}

    private final JpegProfile profile;
    private final JpegTables tables;
    private ScanCodes codes; // built on first use (immutable: a race at worst builds it twice)
    private byte[] header; // the profile's, for a profile with a size; built on first use, likewise

    /** A repairer for streams meant to follow {@code profile}. */
    public JpegRepair(JpegProfile profile) {
        this(profile, Objects.requireNonNull(profile, "profile").tables());
    }

    /** A repairer for streams meant to follow {@code profile}, coded with {@code tables} (e.g. a model's own). */
    public JpegRepair(JpegProfile profile, JpegTables tables) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    /** The profile. */
    public JpegProfile profile() {
        return profile;
    }

    /** Shorthand for {@code new JpegRepair(profile).repair(generated)}. */
    public static Result repair(byte[] generated, JpegProfile profile) {
        return new JpegRepair(profile).repair(generated);
    }

    /**
     * Repairs {@code generated}.
     *
     * @throws JpegFormatException only when the profile has no fixed size and the input has no usable SOF
     */
    public Result repair(byte[] generated) {
        return new Run(generated).execute();
    }

    /**
     * What {@link #repair} makes of an intact stream cut just after a restart marker, without decoding the
     * intervals the cut holds: the cut as it is, the missing intervals neutral, EOI, the tables put back. Intact
     * means canonical as {@link JpegSyntax} checks it (what the grammar accepted, what this encoder writes), which
     * repair keeps bit for bit; the caller vouches for that. A cut that does not start with the profile's header, or
     * does not end with the marker closing interval {@code intervals - 1} (with no intervals: that is not the header
     * alone), is repaired instead. Used for previews, many per image, where a repair would decode each interval
     * again.
     *
     * @param cut the stream up to and including the restart marker that closes its last interval
     * @param intervals restart intervals in cut
     * @return the complete JFIF file
     */
    public byte[] completeIntact(byte[] cut, int intervals) {
        Objects.requireNonNull(cut, "cut");
        if (!paddable(cut, intervals)) {
            return repair(cut).jpeg();
        }
        int interval = profile.restartInterval(), mcus = mcuCount();
        int expected = Subsampling.ceilDiv(mcus, interval);
        var out = new ByteSink(cut.length + 8 * (expected - intervals) + 16);
        out.write(cut);
        var bits = new BitWriter(out);
        var coder = new ScanTranscoder(codes());
        for (int i = intervals; i < expected; i++) {
            coder.neutral(Math.min(interval, mcus - i * interval), bits);
            if (i + 1 < expected) JpegSegments.rst(out, i);
        }
        JpegSegments.eoi(out);
        return JpegStreams.reassemble(out.toByteArray(), tables);
    }

    /**
     * Whether completeIntact pads cut rather than repairs it: the profile fixes the size and has restart intervals,
     * cut is the profile's header, then intervals (fewer than the image's) intervals, the last closed by its marker.
     */
    public boolean paddable(byte[] cut, int intervals) {
        int interval = profile.restartInterval();
        if (!profile.hasSize() || interval == 0) return false;
        if (intervals >= Subsampling.ceilDiv(mcuCount(), interval)) return false;
        byte[] h = header();
        if (intervals < 0 || cut.length < h.length || !Arrays.equals(cut, 0, h.length, h, 0, h.length)) return false;
        if (intervals == 0) return cut.length == h.length;
        int n = cut.length;
        return n >= h.length + 2 && (cut[n - 2] & 0xFF) == 0xFF && (cut[n - 1] & 0xFF) == Markers.rst(intervals - 1);
    }

    /** MCUs of an image of the profile's fixed size. */
    private int mcuCount() {
        return profile.subsampling().frame(profile.width(), profile.height()).mcuCount();
    }

    private byte[] header() {
        byte[] h = header;
        if (h == null) header = h = JpegStreams.header(profile, profile.width(), profile.height());
        return h;
    }

    private ScanCodes codes() {
        ScanCodes c = codes;
        if (c == null) codes = c = ScanCodes.of(profile.subsampling(), tables, false);
        return c;
    }

    /** State of one repair. */
    private final class Run {
        private final byte[] in;
        private final List<String> notes = new ArrayList<>();
        private int extraNotes;

        Run(byte[] input) {
            this.in = Objects.requireNonNull(input, "generated");
        }

        Result execute() {
            HeaderScan hs = HeaderScan.of(in);
            int width = profile.width(), height = profile.height();
            if (!profile.hasSize()) {
                if (hs.frameWidth() < 1 || hs.frameHeight() < 1)
                    throw new JpegFormatException(
                            JpegFormatException.Problem.MALFORMED,
                            "cannot repair: the profile fixes no image size and the stream has no usable SOF");
                width = hs.frameWidth();
                height = hs.frameHeight();
            }
            byte[] header = JpegStreams.header(profile, width, height);
            int scanStart = hs.scanStart() < 0 ? in.length : hs.scanStart();
            boolean headerRewritten =
                    scanStart != header.length || !Arrays.equals(in, 0, scanStart, header, 0, header.length);
            if (hs.scanStart() < 0) note("no SOS segment found: no entropy-coded data, every MCU padded");
            else if (headerRewritten) note(describeHeader(hs, width, height));

            Frame frame = profile.subsampling().frame(width, height);
            int mcus = frame.mcuCount(), interval = profile.restartInterval();
            int expected = interval == 0 ? 1 : Subsampling.ceilDiv(mcus, interval);
            Scan scan = Scan.of(in, scanStart, interval > 0);
            if (scan.invalidMarkers() > 0)
                note(scan.invalidMarkers() + " invalid 0xFF bytes removed from the scan, first at offset "
                        + scan.firstInvalid());
            if (scan.trailing() > 0) note(scan.trailing() + " bytes after EOI dropped");

            var out = new ByteSink(header.length + Math.max(in.length - scanStart, 0) + 8 * expected + 16);
            out.write(header);
            var bits = new BitWriter(out);
            var coder = new ScanTranscoder(codes());
            int kept = 0, repaired = 0, padded = 0, rewritten = 0, renumbered = 0;
            int found = scan.count();
            for (int i = 0; i < expected; i++) {
                int n = interval == 0 ? mcus : Math.min(interval, mcus - i * interval);
                int before = out.size();
                if (i < found) {
                    ScanTranscoder.Outcome o =
                            coder.transcode(scan.data(), scan.dataStart(i), scan.dataEnd(i), n, bits);
                    kept += o.kept();
                    repaired += o.repaired();
                    padded += o.padded();
                    if (!out.rangeEquals(before, out.size(), in, scan.inputStart(i), scan.inputEnd(i))) {
                        rewritten++;
                        if (o.fault() != null) note("interval " + i + ": " + o.fault());
                        else note("interval " + i + ": re-encoded canonically");
                    }
                } else {
                    coder.neutral(n, bits);
                    padded += n;
                    rewritten++;
                }
                if (i + 1 < expected) {
                    JpegSegments.rst(out, i);
                    if (i < found && scan.hasRst(i) && scan.rstNumber(i) != (i & 7)) renumbered++;
                }
            }
            JpegSegments.eoi(out);
            if (found < expected)
                note("stream ends after " + found + " of " + expected + " restart intervals; " + (expected - found)
                        + " padded");
            int dropped = 0;
            if (found > expected) {
                dropped = (found - expected) * Math.max(interval, 1);
                note((found - expected) + " surplus restart intervals dropped");
            }
            if (renumbered > 0) note(renumbered + " restart markers renumbered");
            if (!scan.eoi()) note("no EOI: added");

            byte[] stream = out.toByteArray();
            var report = new RepairReport(
                    Arrays.equals(stream, in),
                    mcus,
                    kept + repaired + dropped,
                    kept,
                    repaired,
                    padded,
                    dropped,
                    rewritten,
                    scan.invalidMarkers(),
                    renumbered,
                    headerRewritten,
                    !scan.eoi(),
                    scan.trailing(),
                    finishNotes());
            return new Result(stream, JpegStreams.reassemble(stream, tables), report);
        }

        private String describeHeader(HeaderScan hs, int width, int height) {
            if (hs.frameWidth() > 0 && (hs.frameWidth() != width || hs.frameHeight() != height))
                return "header rewritten: SOF says " + hs.frameWidth() + "x" + hs.frameHeight() + ", the profile "
                        + width + "x" + height;
            return "header rewritten: the " + hs.scanStart()
                    + " bytes before the scan differ from the profile's header";
        }

        private void note(String s) {
            if (notes.size() < MAX_NOTES - 1) notes.add(s);
            else extraNotes++;
        }

        private List<String> finishNotes() {
            if (extraNotes > 0) notes.add("... " + extraNotes + " more");
            return notes;
        }
    }

    /**
     * Where the entropy-coded data starts and what size the SOF gives, found leniently: marker segments are
     * followed from SOI while they are well-formed; failing that, the first {@code FF DA} with a length that
     * fits is taken as SOS.
     */
    record HeaderScan(int scanStart, int frameWidth, int frameHeight) {
        static HeaderScan of(byte[] b) {
            int n = b.length, pos = 0, w = 0, h = 0;
            if (n >= 2 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == Markers.SOI) {
                pos = 2;
                while (pos + 4 <= n && (b[pos] & 0xFF) == 0xFF) {
                    int m = b[pos + 1] & 0xFF;
                    if (m == 0xFF) {
                        pos++;
                        continue;
                    }
                    if (m == 0x00 || m == Markers.SOI || m == Markers.EOI || m == Markers.TEM || Markers.isRst(m))
                        break;
                    int len = u16(b, pos + 2);
                    if (len < 2 || pos + 2 + len > n) break;
                    if ((m == Markers.SOF0 || m == Markers.SOF1) && len >= 8 && w == 0) {
                        h = u16(b, pos + 5);
                        w = u16(b, pos + 7);
                    }
                    if (m == Markers.SOS) return new HeaderScan(pos + 2 + len, usable(w), usable(h));
                    pos += 2 + len;
                }
            }
            for (int i = pos; i + 4 <= n; i++) {
                if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == Markers.SOS) {
                    int len = u16(b, i + 2);
                    if (len >= 8 && i + 2 + len <= n) return new HeaderScan(i + 2 + len, usable(w), usable(h));
                }
            }
            return new HeaderScan(-1, usable(w), usable(h));
        }

        private static int usable(int v) {
            return v <= JpegParser.MAX_DIMENSION ? v : 0;
        }

        private static int u16(byte[] b, int i) {
            return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
        }
    }

    /**
     * The entropy-coded data split into restart intervals, unstuffed. {@code data()[dataStart(i)..dataEnd(i))}
     * is interval i's data; {@code inputStart/End} its original bytes; {@code rstNumber(i)} the number of the
     * RST marker that closed it, if one did.
     */
    record Scan(byte[] data, int[] bounds, int count, int invalidMarkers, int firstInvalid, boolean eoi, int trailing) {

        int dataStart(int i) {
            return bounds[5 * i];
        }

        int dataEnd(int i) {
            return bounds[5 * i + 1];
        }

        int inputStart(int i) {
            return bounds[5 * i + 2];
        }

        int inputEnd(int i) {
            return bounds[5 * i + 3];
        }

        boolean hasRst(int i) {
            return bounds[5 * i + 4] >= 0;
        }

        int rstNumber(int i) {
            return bounds[5 * i + 4];
        }

        /**
         * Splits in[from..) at its EOI and, if restarts, at its RSTn markers. An 0xFF that starts no stuffed 0x00,
         * RSTn or EOI (a fill byte, another marker, the last byte) is dropped; the byte after it stays as data.
         */
        static Scan of(byte[] in, int from, boolean restarts) {
            var split = new Splitter(in.length - from, from);
            var walker = new ScanBytes();
            int taken = from; // input bytes before this offset are dealt with
            for (int i = walker.dataEnd(in, from, in.length); i < in.length; i = walker.dataEnd(in, i + 1, in.length)) {
                split.data.write(in, taken, i); // plain data bytes, copied at once
                taken = i + 1;
                int v = in[i] & 0xFF, kind = walker.next(v);
                if (kind == ScanBytes.RST && !restarts) kind = ScanBytes.MARKER; // no intervals to close
                switch (kind) { // i - 1: the 0xFF before this byte
                    case ScanBytes.FF -> {} // the next byte says what it is
                    case ScanBytes.STUFFED -> split.data.write(0xFF);
                    case ScanBytes.FILL -> split.drop(i - 1);
                    case ScanBytes.RST -> split.close(i - 1, v - Markers.RST0);
                    case ScanBytes.EOI -> {
                        split.close(i - 1, -1);
                        return split.finish(true, in.length - i - 1);
                    }
                    default -> { // a marker that does not belong: its 0xFF is dropped, the code kept as data
                        split.drop(i - 1);
                        split.data.write(v);
                    }
                }
            }
            split.data.write(in, taken, in.length);
            if (walker.afterFF()) split.drop(in.length - 1);
            split.close(in.length, -1);
            return split.finish(false, 0);
        }

        /** A Scan being built. */
        private static final class Splitter {
            final ByteSink data;
            int[] bounds = new int[40];
            int count, invalid, firstInvalid = -1, inputStart;

            Splitter(int size, int from) {
                data = new ByteSink(Math.max(size, 16));
                inputStart = from;
            }

            /** The 0xFF at offset at is no marker's: dropped. */
            void drop(int at) {
                if (firstInvalid < 0) firstInvalid = at;
                invalid++;
            }

            /** The interval ends at input offset end (a marker's 0xFF, rst its number, or the input's end). */
            void close(int end, int rst) {
                int i = count++;
                if (5 * count > bounds.length) bounds = Arrays.copyOf(bounds, bounds.length * 2);
                bounds[5 * i] = i == 0 ? 0 : bounds[5 * i - 4];
                bounds[5 * i + 1] = data.size();
                bounds[5 * i + 2] = inputStart;
                bounds[5 * i + 3] = end;
                bounds[5 * i + 4] = rst;
                inputStart = end + 2;
            }

            Scan finish(boolean eoi, int trailing) {
                // An empty last interval is no MCU: the stream stopped (or wrote EOI) right after a marker.
                if (count > 0 && bounds[5 * (count - 1)] == bounds[5 * (count - 1) + 1]) count--;
                return new Scan(data.toByteArray(), bounds, count, invalid, firstInvalid, eoi, trailing);
            }
        }
    }
}
