package org.jpeglm.jpeg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * <b>Test oracle</b>: {@code JpegRepair} as it was before one walker and one decoder replaced the scanners (commit
 * ae8bfbd), kept to check that the new code accepts, refuses and repairs exactly as before
 * ({@link ScanOracleProperties}). Do not use elsewhere.
 *
 * <p>Turns a model-generated stream into a decodable one with exactly the MCUs the image needs, and reports
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
final class LegacyJpegRepair {

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

    /** A repairer for streams meant to follow {@code profile}. */
    public LegacyJpegRepair(JpegProfile profile) {
        this(profile, Objects.requireNonNull(profile, "profile").tables());
    }

    /** A repairer for streams meant to follow {@code profile}, coded with {@code tables} (e.g. a model's own). */
    public LegacyJpegRepair(JpegProfile profile, JpegTables tables) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.tables = Objects.requireNonNull(tables, "tables");
    }

    /** The profile. */
    public JpegProfile profile() {
        return profile;
    }

    /** Shorthand for {@code new LegacyJpegRepair(profile).repair(generated)}. */
    public static Result repair(byte[] generated, JpegProfile profile) {
        return new LegacyJpegRepair(profile).repair(generated);
    }

    /**
     * Repairs {@code generated}.
     *
     * @throws JpegFormatException only when the profile has no fixed size and the input has no usable SOF
     */
    public Result repair(byte[] generated) {
        return new Run(generated).execute();
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
            var coder = new LegacyScanTranscoder(frame, ScanHeader.forFrame(frame), tables);
            int kept = 0, repaired = 0, padded = 0, rewritten = 0, renumbered = 0;
            int found = scan.count();
            for (int i = 0; i < expected; i++) {
                int n = interval == 0 ? mcus : Math.min(interval, mcus - i * interval);
                int before = out.size();
                if (i < found) {
                    LegacyScanTranscoder.Outcome o =
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

        static Scan of(byte[] in, int from, boolean restarts) {
            int n = in.length;
            var data = new ByteSink(Math.max(n - from, 16));
            int[] bounds = new int[40];
            int count = 0, invalid = 0, firstInvalid = -1, trailing = 0;
            boolean eoi = false;
            int dataStart = 0, inputStart = from;
            int i = from;
            while (i < n) {
                int v = in[i] & 0xFF;
                if (v != 0xFF) {
                    data.write(v);
                    i++;
                    continue;
                }
                int m = i + 1 < n ? in[i + 1] & 0xFF : -1;
                if (m == 0x00) {
                    data.write(0xFF);
                    i += 2;
                } else if (m == Markers.EOI || (restarts && Markers.isRst(m))) {
                    bounds = add(
                            bounds,
                            count++,
                            dataStart,
                            data.size(),
                            inputStart,
                            i,
                            m == Markers.EOI ? -1 : m - Markers.RST0);
                    dataStart = data.size();
                    inputStart = i + 2;
                    i += 2;
                    if (m == Markers.EOI) {
                        eoi = true;
                        trailing = n - i;
                        break;
                    }
                } else {
                    // A lone 0xFF (fill byte, unstuffed data byte, or a marker that cannot be here): drop it.
                    if (firstInvalid < 0) firstInvalid = i;
                    invalid++;
                    i++;
                }
            }
            if (!eoi) bounds = add(bounds, count++, dataStart, data.size(), inputStart, n, -1);
            // An empty last interval is no MCU: the stream stopped (or wrote EOI) right after a marker.
            if (count > 0 && bounds[5 * (count - 1)] == bounds[5 * (count - 1) + 1]) count--;
            return new Scan(data.toByteArray(), bounds, count, invalid, firstInvalid, eoi, trailing);
        }

        private static int[] add(int[] b, int i, int ds, int de, int is, int ie, int rst) {
            if (5 * i + 5 > b.length) b = Arrays.copyOf(b, b.length * 2);
            b[5 * i] = ds;
            b[5 * i + 1] = de;
            b[5 * i + 2] = is;
            b[5 * i + 3] = ie;
            b[5 * i + 4] = rst;
            return b;
        }
    }
}
