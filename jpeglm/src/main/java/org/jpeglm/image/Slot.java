package org.jpeglm.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.jpeglm.jpeg.JpegImages;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegSyntax;

/**
 * An image being written in one sequence: its bytes so far, its grammar state, the forced bytes still to write,
 * and, once it is done, why it stopped.
 */
final class Slot {
    private final ImageJob job;
    private final TokenTable tokens;
    private final int budget; // most tokens it may generate: the request's limit and what the context leaves
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    private final long started = System.nanoTime();
    private JpegSyntax.State state;
    private JpegSyntax.State next; // the state after the token fits() last accepted, taken over by accept()
    private int checked = -1; // that token, or -1
    private int forcedAt;
    private int generated;
    private int lastByte = -1;
    private boolean eoi;
    private GeneratedImage.StopReason stop;

    /** Starts job: its prompt bytes are written (the sequence is fed its prompt tokens elsewhere). */
    Slot(ImageJob job, JpegSyntax syntax, TokenTable tokens, int maxTokens, int contextLength) {
        this.job = job;
        this.tokens = tokens;
        this.budget = Math.min(maxTokens, contextLength - job.prompt().length);
        this.state = syntax.start();
        this.next = syntax.start();
        append(job.promptBytes());
        state.advance(job.promptBytes(), 0, job.promptBytes().length);
        eoi |= state.isComplete();
        if (eoi && !forcing()) {
            stop = GeneratedImage.StopReason.EOI; // e.g. a completion of the whole image: nothing to add
        }
    }

    ImageJob job() {
        return job;
    }

    /** Whether the image needs no more tokens. */
    boolean done() {
        return stop != null;
    }

    /** Whether its next token must start with (or be a prefix of) the forced bytes left. */
    boolean forcing() {
        return forcedAt < job.forced().length;
    }

    /** The tokens that may follow while forcing: those agreeing with the forced bytes left, and valid if constrained. */
    long[] forcedMask(SyntaxMasks masks, boolean constrained) {
        return constrained ? masks.forced(job.forced(), forcedAt, state) : masks.forced(job.forced(), forcedAt);
    }

    /** The tokens the grammar allows next. */
    long[] grammarMask(SyntaxMasks masks) {
        return masks.allowed(state);
    }

    /** Whether token keeps this image's stream valid (EOS exactly when it is complete). */
    boolean fits(int token) {
        if (token == tokens.eosId()) {
            return state.isComplete();
        }
        byte[] b = tokens.bytes(token);
        if (b.length == 0) {
            return false; // BOS or another special token
        }
        next.copyFrom(state);
        boolean ok = next.advance(b, 0, b.length);
        checked = ok ? token : -1;
        return ok;
    }

    /** Takes the sampled token; true when the image is done (EOS, EOI or its token budget). */
    boolean accept(int token) {
        generated++;
        if (token == tokens.eosId()) {
            stop = GeneratedImage.StopReason.EOS;
            return true;
        }
        byte[] b = tokens.bytes(token);
        append(b);
        forcedAt = Math.min(job.forced().length, forcedAt + b.length);
        advance(token, b);
        eoi |= state.isComplete();
        if (eoi) {
            stop = GeneratedImage.StopReason.EOI;
        } else if (generated >= budget) {
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

    /** Appends bytes; an FF D9 pair (EOI) ends the image even in a stream the grammar rejected. */
    private void append(byte[] b) {
        bytes.write(b, 0, b.length);
        for (byte x : b) {
            int v = x & 0xFF;
            eoi |= lastByte == 0xFF && v == 0xD9;
            lastByte = v;
        }
    }

    /** The finished image: its stream repaired (if needed) into a file and decoded. */
    GeneratedImage finish(JpegRepair repair) {
        if (stop == null) {
            throw new IllegalStateException("image " + job.index() + " is not done");
        }
        byte[] stream = bytes.toByteArray();
        JpegRepair.Result fixed = repair.repair(stream);
        BufferedImage image = JpegImages.decode(fixed.jpeg());
        return new GeneratedImage(
                job.index(),
                job.seed(),
                stream,
                fixed.jpeg(),
                image,
                generated,
                job.prompt().length,
                stop,
                fixed.report(),
                Duration.ofNanos(System.nanoTime() - started));
    }
}
