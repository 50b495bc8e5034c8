package org.jpeglm.avclm;

import java.io.UncheckedIOException;
import org.jpeglm.engine.StopReason;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamState;
import org.jpeglm.engine.StreamWriter;
import org.jpeglm.engine.TokenTable;
import org.jpeglm.engine.TokenTrie;
import org.jpeglm.engine.Written;
import org.jpeglm.video.DecodedVideo;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.H264Decoder;
import org.jpeglm.video.VideoProfile;

/**
 * The video codec's part in the engine: what writing a video needs (token bytes, the trie for token healing's forced
 * bytes, the tolerant decoder and the profile). Videos have no grammar and no previews; the engine hands on each
 * written video, decoded afterwards off its thread ({@link org.jpeglm.engine.Finisher}). Thread-safe (the decoder
 * runs one ffmpeg per call).
 */
record VideoCodec(TokenTable tokens, TokenTrie trie, H264Decoder decoder, VideoProfile profile)
        implements StreamWriter<Written, Written> {
    @Override
    public StreamState open(StreamJob job) {
        return new H264StreamState(trie);
    }

    /** The written stream as it is: it is decoded off the engine's thread ({@link #decode}). */
    @Override
    public Written finish(Written written) {
        return written;
    }

    /** The written video decoded tolerantly (a stream that yields nothing is 0 frames, not an error). */
    GeneratedVideo decode(Written written) {
        DecodedVideo decoded;
        try {
            decoded = decoder.decode(written.stream(), profile);
        } catch (FfmpegException e) { // ffmpeg missing, hung or runaway: no video of this run can be decoded
            throw new UncheckedIOException(
                    "cannot decode generated video " + written.index() + ": " + e.getMessage(), e);
        }
        return new GeneratedVideo(
                written.index(),
                written.seed(),
                written.stream(),
                decoded.streamBytes(),
                decoded.video(),
                decoded.report(),
                written.tokens(),
                written.promptTokens(),
                written.promptBytes(),
                stopOf(written.stop()),
                written.time());
    }

    private static GeneratedVideo.StopReason stopOf(StopReason stop) {
        return switch (stop) {
            case EOS -> GeneratedVideo.StopReason.EOS;
            case MAX_TOKENS -> GeneratedVideo.StopReason.MAX_TOKENS;
            case END -> throw new IllegalStateException("a video has no syntactic end");
        };
    }
}
