package org.jpeglm.avclm;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.SlotBase;
import org.jpeglm.engine.StreamJob;

/**
 * A video being written in one sequence: its bytes so far (prompt first), the forced bytes still to write, and why
 * it stopped. It ends at EOS or its token budget; nothing in its bytes ends it, since a generated stream's NAL units
 * cannot be trusted to say how many frames it holds.
 */
final class VideoSlot extends SlotBase<WrittenVideo, WrittenVideo> {
    private final VideoCodec codec;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    private GeneratedVideo.StopReason stop;

    VideoSlot(StreamJob job, EngineRequest<WrittenVideo, WrittenVideo> request, VideoCodec codec, int contextLength) {
        super(job, request, contextLength);
        this.codec = codec;
        bytes.writeBytes(job.promptBytes());
        if (budgetSpent()) {
            stop = GeneratedVideo.StopReason.MAX_TOKENS; // the prompt fills the context
        }
    }

    @Override
    public boolean done() {
        return stop != null;
    }

    @Override
    public long[] forcedMask() {
        return codec.trie().forced(job().forced(), forcedAt());
    }

    /** Never asked: video requests are not constrained (no H.264 grammar). */
    @Override
    public long[] grammarMask() {
        throw new IllegalStateException("videos are sampled without a grammar");
    }

    @Override
    public boolean fits(int token) {
        return true;
    }

    @Override
    public boolean accept(int token) {
        byte[] b = codec.tokens().bytes(token); // none for EOS
        took(b);
        if (token == codec.tokens().eosId()) {
            stop = GeneratedVideo.StopReason.EOS;
            return true;
        }
        bytes.writeBytes(b);
        if (budgetSpent()) {
            stop = GeneratedVideo.StopReason.MAX_TOKENS;
        }
        return done();
    }

    /** Nothing to tell before the video is done: the listener receives finished videos. */
    @Override
    public void report() {}

    /** The finished video's stream, not yet decoded ({@link VideoCodec#decode}). */
    @Override
    public WrittenVideo finish() {
        if (stop == null) {
            throw new IllegalStateException("video " + job().index() + " is not done");
        }
        StreamJob job = job();
        return new WrittenVideo(
                job.index(),
                job.seed(),
                bytes.toByteArray(),
                generated(),
                job.prompt().length,
                job.promptBytes().length + job.forced().length,
                stop,
                Duration.ofNanos(elapsedNanos()));
    }
}
