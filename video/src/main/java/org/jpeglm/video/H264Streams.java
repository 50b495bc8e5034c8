package org.jpeglm.video;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Annex-B structure of an H.264 stream that completion needs: NAL units between start codes, pictures, and
 * the byte prefix that holds exactly the first K frames.
 */
public final class H264Streams {
    /** NAL unit types: coded slice of a non-IDR and of an IDR picture, SEI, SPS, PPS, access unit delimiter. */
    public static final int SLICE = 1;

    public static final int IDR_SLICE = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;

    private H264Streams() {}

    /**
     * One NAL unit.
     *
     * @param start offset of its start code
     * @param payload offset of its header byte, just after the start code
     * @param end offset just past it (the next start code, or the stream's end)
     * @param type nal_unit_type (0..31)
     */
    public record NalUnit(int start, int payload, int end, int type) {
        /** A coded slice (types 1..5). */
        public boolean isSlice() {
            return type >= SLICE && type <= IDR_SLICE;
        }
    }

    /** The NAL units of an Annex-B stream (bytes before the first start code are not one). */
    public static List<NalUnit> nalUnits(byte[] stream) {
        List<int[]> codes = new ArrayList<>(); // {start, payload}
        for (int i = 0; i + 2 < stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
                int start = i > 0 && stream[i - 1] == 0 ? i - 1 : i;
                codes.add(new int[] {start, i + 3});
                i += 2;
            }
        }
        List<NalUnit> units = new ArrayList<>(codes.size());
        for (int k = 0; k < codes.size(); k++) {
            int payload = codes.get(k)[1];
            int end = k + 1 < codes.size() ? codes.get(k + 1)[0] : stream.length;
            int type = payload < end ? stream[payload] & 0x1F : 0;
            units.add(new NalUnit(codes.get(k)[0], payload, end, type));
        }
        return units;
    }

    /** The number of pictures: slices that start a picture (first_mb_in_slice = 0). */
    public static int frameCount(byte[] stream) {
        int n = 0;
        for (NalUnit u : nalUnits(stream)) {
            if (startsPicture(stream, u)) {
                n++;
            }
        }
        return n;
    }

    /**
     * {@link #frameCount} of a stream written a piece at a time, each byte searched for start codes once: only the last
     * NAL unit's slice header is read again while it may still grow (frameCount of every prefix would read the whole
     * stream each time). Not thread-safe.
     */
    public static final class PictureCounter {
        private static final int UNDECIDED = -1;

        private byte[] bytes = new byte[256];
        private int length;
        private int from; // the first position not yet searched for a start code
        private int lastPayload = -1; // the last NAL unit found (-1: none)
        private int lastStarts = UNDECIDED; // whether it starts a picture: 1, 0, or UNDECIDED while cut off
        private int settled; // pictures among the NAL units before the last

        /** Appends piece to the stream. */
        public void add(byte[] piece) {
            if (length + piece.length > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + piece.length));
            }
            System.arraycopy(piece, 0, bytes, length, piece.length);
            length += piece.length;
        }

        /** The pictures of the stream so far: {@code frameCount} of the bytes added. */
        public int pictures() {
            int i = from;
            for (; i + 2 < length; i++) {
                if (bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 1) {
                    int start = i > 0 && bytes[i - 1] == 0 ? i - 1 : i;
                    if (lastPayload >= 0 && (lastStarts == UNDECIDED ? startsPicture(start) : lastStarts) == 1) {
                        settled++; // a unit still cut off at its end starts no picture, as frameCount reads it
                    }
                    lastPayload = i + 3;
                    lastStarts = UNDECIDED;
                    i += 2;
                }
            }
            from = i;
            if (lastPayload >= 0 && lastStarts == UNDECIDED) {
                lastStarts = startsPicture(length); // decided once its slice header is there: more bytes keep it
            }
            return settled + (lastStarts == 1 ? 1 : 0);
        }

        /** Whether the last unit, ending at end, starts a picture: 1, 0, or UNDECIDED while its header is cut off. */
        private int startsPicture(int end) {
            if (lastPayload >= end) {
                return UNDECIDED;
            }
            NalUnit u = new NalUnit(lastPayload - 3, lastPayload, end, bytes[lastPayload] & 0x1F);
            if (!u.isSlice()) {
                return 0;
            }
            int firstMb = firstMbInSlice(bytes, lastPayload + 1, end);
            return firstMb < 0 ? UNDECIDED : firstMb == 0 ? 1 : 0;
        }
    }

    /**
     * The prefix of stream holding exactly its first frames pictures (in decode order, which is display order
     * without B-frames): cut where the next access unit starts (its SPS, PPS, SEI, delimiter or first slice).
     *
     * @throws IllegalArgumentException when the stream has fewer pictures
     */
    public static byte[] prefixFrames(byte[] stream, int frames) {
        if (frames < 0) {
            throw new IllegalArgumentException("frames must be >= 0, got " + frames);
        }
        List<NalUnit> units = nalUnits(stream);
        int pictures = 0;
        boolean inPicture = false;
        for (NalUnit u : units) {
            boolean newPicture = startsPicture(stream, u);
            boolean startsAccessUnit = newPicture || (inPicture && startsAccessUnitBeforeSlice(u.type()));
            if (startsAccessUnit && pictures == frames && (inPicture || frames == 0)) {
                return Arrays.copyOf(stream, frames == 0 ? 0 : u.start());
            }
            if (newPicture) {
                pictures++;
                inPicture = true;
            } else if (startsAccessUnitBeforeSlice(u.type())) {
                inPicture = false;
            }
        }
        if (pictures == frames) {
            return stream.clone();
        }
        throw new IllegalArgumentException("the stream has " + pictures + " frames, fewer than " + frames);
    }

    /** Whether a NAL unit is a slice with first_mb_in_slice = 0. */
    static boolean startsPicture(byte[] stream, NalUnit u) {
        return u.isSlice() && firstMbInSlice(stream, u.payload() + 1, u.end()) == 0;
    }

    private static boolean startsAccessUnitBeforeSlice(int type) {
        return type == SEI || type == SPS || type == PPS || type == AUD || (type >= 14 && type <= 18);
    }

    /** ue(v) at the start of the slice header, reading past emulation prevention bytes; -1 when cut off. */
    static int firstMbInSlice(byte[] stream, int from, int end) {
        BitReader r = new BitReader(stream, from, end);
        int zeros = 0;
        while (true) {
            if (!r.hasMore()) {
                return -1;
            }
            if (r.bit() == 1) {
                break;
            }
            if (++zeros > 31) {
                return -1;
            }
        }
        long v = 0;
        for (int i = 0; i < zeros; i++) {
            if (!r.hasMore()) {
                return -1;
            }
            v = v << 1 | r.bit();
        }
        return (int) Math.min(Integer.MAX_VALUE, (1L << zeros) - 1 + v);
    }

    /** Bits of an RBSP, most significant first, skipping the 0x03 of each 00 00 03. */
    private static final class BitReader {
        private final byte[] data;
        private final int end;
        private int pos;
        private int bit = 8;
        private int zeros;

        BitReader(byte[] data, int from, int end) {
            this.data = data;
            this.pos = from - 1;
            this.end = end;
        }

        boolean hasMore() {
            return bit < 8 || nextByte() < end;
        }

        int bit() {
            if (bit == 8) {
                int next = nextByte();
                zeros = next != pos + 1 ? 0 : zeros; // an emulation prevention byte ends the run of zeros
                pos = next;
                zeros = data[pos] == 0 ? zeros + 1 : 0;
                bit = 0;
            }
            return (data[pos] >> (7 - bit++)) & 1;
        }

        private int nextByte() {
            int next = pos + 1;
            if (zeros >= 2 && next < end && data[next] == 3) {
                next++;
            }
            return next;
        }
    }
}
