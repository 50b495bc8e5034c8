package org.jpeglm.image;

import java.util.Arrays;
import org.jpeglm.codec.StreamState;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegSyntax;

/**
 * An image as its JPEG syntax follows it in one sequence: the grammar state, whether EOI was written, and the restart
 * markers a preview may cut at. Engine thread only.
 */
final class JpegStreamState implements StreamState {
    private final StreamTools tools;
    private JpegSyntax.State state;
    private JpegSyntax.State next; // the state after the token fits() last accepted, taken over by take()
    private int checked = -1; // that token, or -1
    private int written; // bytes taken, the prompt's included
    private int lastByte = -1;
    private boolean eoi;
    private int intervalsClosed; // restart markers written, the prompt's included
    private int markerEnd; // bytes up to and including the last of them

    /** Follows a stream that starts with promptBytes. */
    JpegStreamState(StreamTools tools, byte[] promptBytes) {
        this.tools = tools;
        this.state = tools.syntax().start();
        this.next = tools.syntax().start();
        scan(promptBytes);
        state.advance(promptBytes, 0, promptBytes.length);
        eoi |= state.isComplete();
    }

    @Override
    public boolean complete() {
        return eoi;
    }

    /** Whether token keeps this image's stream valid (EOS exactly when it is complete). */
    @Override
    public boolean fits(int token) {
        if (token == tools.tokens().eosId()) {
            return state.isComplete();
        }
        byte[] b = tools.tokens().bytes(token);
        if (b.length == 0) {
            return false; // BOS or another special token
        }
        next.copyFrom(state);
        boolean ok = next.advance(b, 0, b.length);
        checked = ok ? token : -1;
        return ok;
    }

    @Override
    public long[] allowed() {
        return tools.masks().allowed(state);
    }

    @Override
    public long[] forced(byte[] forced, int from, boolean constrained) {
        return constrained
                ? tools.masks().forced(forced, from, state)
                : tools.masks().forced(forced, from);
    }

    /** Takes a token's bytes; true once the image is complete (EOI written, or the grammar's end). */
    @Override
    public boolean take(int token, byte[] b) {
        scan(b);
        if (checked == token) {
            JpegSyntax.State t = state; // fits() already advanced a copy: take it instead of advancing again
            state = next;
            next = t;
        } else if (!state.isDead()) {
            state.advance(b, 0, b.length);
        }
        checked = -1;
        eoi |= state.isComplete();
        return eoi;
    }

    /**
     * Notes markers in bytes appended to the stream: an FF D9 pair (EOI) ends the image even in a stream the grammar
     * rejected, and an FF D0..D7 pair (RSTn, never in entropy-coded data) closes a restart interval: where a preview
     * may cut the stream.
     */
    private void scan(byte[] b) {
        int at = written;
        written += b.length;
        for (int i = 0; i < b.length; i++) {
            int v = b[i] & 0xFF;
            if (lastByte == 0xFF) {
                eoi |= v == 0xD9;
                if (v >= 0xD0 && v <= 0xD7) {
                    intervalsClosed++;
                    markerEnd = at + i + 1;
                }
            }
            lastByte = v;
        }
    }

    /** MCUs finished so far: the grammar's count, or, once it rejected the stream, the restart markers'. */
    @Override
    public int units() {
        return state.isDead() ? previewUnits() : state.mcusDone();
    }

    @Override
    public int totalUnits() {
        return tools.syntax().mcuCount();
    }

    /** MCUs a preview holds: those of the closed restart intervals. */
    @Override
    public int previewUnits() {
        return Math.min(tools.syntax().mcuCount(), intervalsClosed * tools.restartInterval());
    }

    /**
     * The stream up to its last restart marker, as a preview: while the grammar accepts the stream, the cut is intact
     * and only padded (a preview costs a copy, not a decode of every interval, on the thread every sequence waits for).
     */
    @Override
    public byte[] preview(byte[] streamSoFar) {
        byte[] cut = Arrays.copyOf(streamSoFar, markerEnd);
        return state.isDead() ? preview(tools.repair(), cut) : tools.repair().completeIntact(cut, intervalsClosed);
    }

    /**
     * A stream cut just after a restart marker, as a JPEG file: repair pads the intervals it lacks with neutral MCUs
     * (DC difference 0 after a restart: mid-gray) and keeps the intact ones bit for bit, so the finished MCUs decode
     * as they will in the final image.
     */
    static byte[] preview(JpegRepair repair, byte[] cut) {
        return repair.repair(cut).jpeg();
    }
}
