package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.SlotBase;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegSyntax;

/**
 * An image being written in one sequence: its bytes so far, its grammar state, the forced bytes still to write,
 * what its request was last told of it, and, once it is done, why it stopped.
 */
final class Slot extends SlotBase<GeneratedImage, ImageEvent> {
    private final StreamTools tools;
    private final PreviewPolicy previews;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    private JpegSyntax.State state;
    private JpegSyntax.State next; // the state after the token fits() last accepted, taken over by accept()
    private int checked = -1; // that token, or -1
    private int lastByte = -1;
    private boolean eoi;
    private int intervalsClosed; // restart markers written, the prompt's included
    private int markerEnd; // bytes up to and including the last of them
    private int reportedMcus = -1;
    private int previewedMcus;
    private long previewedAt;
    private GeneratedImage.StopReason stop;

    /** Starts job: its prompt bytes are written (the sequence is fed its prompt tokens elsewhere). */
    Slot(
            StreamJob job,
            EngineRequest<GeneratedImage, ImageEvent> request,
            StreamTools tools,
            PreviewPolicy previews,
            int contextLength) {
        super(job, request, contextLength);
        this.tools = tools;
        this.previews = previews;
        this.state = tools.syntax().start();
        this.next = tools.syntax().start();
        append(job.promptBytes());
        state.advance(job.promptBytes(), 0, job.promptBytes().length);
        eoi |= state.isComplete();
        if (eoi && !forcing()) {
            stop = GeneratedImage.StopReason.EOI; // e.g. a completion of the whole image: nothing to add
        }
        this.previewedMcus = previewMcus();
        this.previewedAt = System.nanoTime(); // the first preview, too, waits the policy's interval
    }

    /** Whether the image needs no more tokens. */
    @Override
    public boolean done() {
        return stop != null;
    }

    /** The tokens that may follow while forcing: those agreeing with the forced bytes left, and valid if constrained. */
    @Override
    public long[] forcedMask() {
        return request().constrained()
                ? tools.masks().forced(job().forced(), forcedAt(), state)
                : tools.masks().forced(job().forced(), forcedAt());
    }

    /** The tokens the grammar allows next. */
    @Override
    public long[] grammarMask() {
        return tools.masks().allowed(state);
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

    /** Takes the sampled token; true when the image is done (EOS, EOI or its token budget). */
    @Override
    public boolean accept(int token) {
        byte[] b = tools.tokens().bytes(token); // none for EOS
        took(b);
        if (token == tools.tokens().eosId()) {
            stop = GeneratedImage.StopReason.EOS;
            return true;
        }
        append(b);
        advance(token, b);
        eoi |= state.isComplete();
        if (eoi) {
            stop = GeneratedImage.StopReason.EOI;
        } else if (budgetSpent()) {
            stop = GeneratedImage.StopReason.MAX_TOKENS;
        }
        return done();
    }

    private void advance(int token, byte[] b) {
        if (checked == token) {
            JpegSyntax.State t = state; // fits() already advanced a copy: take it instead of advancing again
            state = next;
            next = t;
        } else if (!state.isDead()) {
            state.advance(b, 0, b.length);
        }
        checked = -1;
    }

    /**
     * Appends bytes; an FF D9 pair (EOI) ends the image even in a stream the grammar rejected, and an FF D0..D7
     * pair (RSTn, never in entropy-coded data) closes a restart interval: where a preview may cut the stream.
     */
    private void append(byte[] b) {
        int at = bytes.size();
        bytes.write(b, 0, b.length);
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
    int mcus() {
        return state.isDead() ? previewMcus() : state.mcusDone();
    }

    /** MCUs a preview holds: those of the closed restart intervals. */
    private int previewMcus() {
        return Math.min(tools.syntax().mcuCount(), intervalsClosed * tools.restartInterval());
    }

    /**
     * Tells the request of new MCUs, and, unless the image is done (its final image follows), shows a preview when
     * its policy allows one.
     */
    @Override
    public void report() {
        int mcus = mcus();
        if (mcus > reportedMcus) {
            reportedMcus = mcus;
            request()
                    .emit(new ImageEvent.Progress(
                            job().index(), generated(), mcus, tools.syntax().mcuCount()));
        }
        if (!done()) {
            maybePreview();
        }
    }

    private void maybePreview() {
        PreviewPolicy policy = previews;
        int shown = previewMcus();
        if (policy.enabled()
                && shown - previewedMcus >= policy.everyMcus()
                && shown < tools.syntax().mcuCount()) {
            long now = System.nanoTime();
            if (now - previewedAt >= policy.minInterval().toNanos()) {
                previewedMcus = shown;
                previewedAt = now;
                request()
                        .emit(new ImageEvent.Preview(
                                job().index(), shown, tools.syntax().mcuCount(), preview()));
            }
        }
    }

    /**
     * The stream up to its last restart marker, as a preview: while the grammar accepts the stream, the cut is intact
     * and only padded (a preview costs a copy, not a decode of every interval, on the thread every sequence waits for).
     */
    private byte[] preview() {
        byte[] cut = Arrays.copyOf(bytes.toByteArray(), markerEnd);
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

    /** The finished image: its stream repaired (if needed) into a file and decoded. */
    @Override
    public GeneratedImage finish() {
        if (stop == null) {
            throw new IllegalStateException("image " + job().index() + " is not done");
        }
        byte[] stream = bytes.toByteArray();
        JpegRepair.Result fixed = tools.repair().repair(stream);
        BufferedImage image = JpegImages.decode(fixed.jpeg());
        return new GeneratedImage(
                job().index(),
                job().seed(),
                stream,
                fixed.jpeg(),
                image,
                generated(),
                job().prompt().length,
                stop,
                fixed.report(),
                Duration.ofNanos(elapsedNanos()));
    }
}
