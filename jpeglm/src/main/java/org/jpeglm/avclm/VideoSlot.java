package org.jpeglm.avclm;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.SlotBase;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.video.DecodedVideo;
import org.jpeglm.video.FfmpegException;

/**
 * A video being written in one sequence: its bytes so far (prompt first), the forced bytes still to write, and why
 * it stopped. It ends at EOS or its token budget; nothing in its bytes ends it, since a generated stream's NAL units
 * cannot be trusted to say how many frames it holds.
 */
final class VideoSlot extends SlotBase<GeneratedVideo, GeneratedVideo> {
    private final VideoCodec codec;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
    private GeneratedVideo.StopReason stop;

    VideoSlot(
            StreamJob job, EngineRequest<GeneratedVideo, GeneratedVideo> request, VideoCodec codec, int contextLength) {
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

    /** The finished video: its stream decoded tolerantly (a stream that yields nothing is 0 frames, not an error). */
    @Override
    public GeneratedVideo finish() {
        if (stop == null) {
            throw new IllegalStateException("video " + job().index() + " is not done");
        }
        byte[] stream = bytes.toByteArray();
        DecodedVideo decoded;
        try {
            decoded = codec.decoder().decode(stream, codec.profile());
        } catch (FfmpegException e) { // ffmpeg missing, hung or runaway: no video of this run can be decoded
            throw new UncheckedIOException("cannot decode generated video " + job().index() + ": " + e.getMessage(), e);
        }
        StreamJob job = job();
        return new GeneratedVideo(
                job.index(),
                job.seed(),
                stream,
                decoded.video(),
                decoded.report(),
                generated(),
                job.prompt().length,
                job.promptBytes().length + job.forced().length,
                stop,
                Duration.ofNanos(elapsedNanos()));
    }
}
