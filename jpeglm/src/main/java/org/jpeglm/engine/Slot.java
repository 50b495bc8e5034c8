package org.jpeglm.engine;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.StopReason;
import org.jpeglm.codec.StreamState;
import org.jpeglm.codec.Written;

/**
 * A stream being written in one sequence, whatever its codec: its job and request, its token budget, the bytes
 * written so far (the prompt's first), how far the forced bytes of token healing are written, the progress and
 * previews its request was told of, and, once done, why it stopped. What the bytes mean is its codec's
 * {@link StreamState}. Used by the engine's thread only.
 *
 * @param <R> the result of the stream
 * @param <E> the events its request's listener receives
 */
public final class Slot<R, E> {
    private final StreamJob job;
    private final EngineRequest<R, E> request;
    private final TokenTable tokens;
    private final StreamState state;
    private final int budget; // most tokens it may generate: the request's limit and what the context leaves
    private final long started = System.nanoTime();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    private int forcedAt;
    private int generated;
    private int reportedUnits = -1;
    private int previewedUnits;
    private long previewedAt;
    private StopReason stop;

    /** Starts job: its prompt bytes are written (the sequence is fed its prompt tokens elsewhere). */
    public Slot(StreamJob job, EngineRequest<R, E> request, TokenTable tokens, int contextLength) {
        this.job = job;
        this.request = request;
        this.tokens = tokens;
        this.budget = request.budget(job, contextLength);
        bytes.writeBytes(job.promptBytes());
        this.state = request.writer().open(job);
        if (state.complete() && !forcing()) {
            stop = StopReason.END; // e.g. a completion of the whole image: nothing to add
        } else if (generated >= budget) {
            stop = StopReason.MAX_TOKENS; // the prompt fills the context
        }
        this.previewedUnits = state.previewUnits();
        this.previewedAt = System.nanoTime(); // the first preview, too, waits the policy's interval
    }

    public StreamJob job() {
        return job;
    }

    public EngineRequest<R, E> request() {
        return request;
    }

    /** Tokens the sequence holds: the prompt and every generated token (each is decoded in the step sampling it). */
    public int length() {
        return job.prompt().length + generated;
    }

    /** Whether the stream needs no more tokens. */
    public boolean done() {
        return stop != null;
    }

    /** Whether its next token must start with (or be a prefix of) forced bytes. */
    public boolean forcing() {
        return forcedAt < job.forced().length;
    }

    /** The tokens that may follow while forcing: those agreeing with the forced bytes left, valid if constrained. */
    public long[] forcedMask() {
        return state.forced(job.forced(), forcedAt, request.constrained());
    }

    /** The tokens a constrained request's grammar allows next. */
    public long[] grammarMask() {
        return state.allowed();
    }

    /** Whether token keeps a constrained stream valid. */
    public boolean fits(int token) {
        return state.fits(token);
    }

    /** Takes the sampled token; true when the stream is done: EOS, complete by its syntax, or its budget spent. */
    public boolean accept(int token) {
        byte[] b = tokens.bytes(token); // none for EOS
        generated++;
        forcedAt = Math.min(job.forced().length, forcedAt + b.length);
        if (token == tokens.eosId()) {
            stop = StopReason.EOS;
            return true;
        }
        bytes.write(b, 0, b.length);
        if (state.take(token, b)) {
            stop = StopReason.END;
        } else if (generated >= budget) {
            stop = StopReason.MAX_TOKENS;
        }
        return done();
    }

    /**
     * Tells the request of new units, and, unless the stream is done (its result follows), shows a preview when its
     * writer's pacing allows one.
     */
    public void report() {
        int units = state.units();
        if (units > reportedUnits) {
            reportedUnits = units;
            E progress = request.writer().progress(job.index(), generated, units, state.totalUnits());
            if (progress != null) {
                request.emit(progress);
            }
        }
        if (!done()) {
            maybePreview();
        }
    }

    private void maybePreview() {
        Previews policy = request.writer().previews();
        if (!policy.enabled()) {
            return;
        }
        int shown = state.previewUnits();
        int total = state.totalUnits();
        if (shown - previewedUnits >= policy.everyUnits() && shown < total) {
            long now = System.nanoTime();
            if (now - previewedAt >= policy.minIntervalNanos()) {
                previewedUnits = shown;
                previewedAt = now;
                byte[] file = state.preview(bytes.toByteArray());
                E preview = file == null ? null : request.writer().preview(job.index(), shown, total, file);
                if (preview != null) {
                    request.emit(preview);
                }
            }
        }
    }

    /** The finished stream's result, made by its writer; only once {@link #done()}. */
    public R finish() {
        if (stop == null) {
            throw new IllegalStateException("stream " + job.index() + " is not done");
        }
        return request.writer()
                .finish(new Written(
                        job.index(),
                        job.seed(),
                        bytes.toByteArray(),
                        generated,
                        job.prompt().length,
                        job.promptBytes().length + job.forced().length,
                        stop,
                        Duration.ofNanos(System.nanoTime() - started)));
    }
}
