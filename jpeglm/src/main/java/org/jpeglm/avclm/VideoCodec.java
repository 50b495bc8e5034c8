package org.jpeglm.avclm;

import java.io.UncheckedIOException;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.StreamCodec;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamSlot;
import org.jpeglm.engine.TokenTable;
import org.jpeglm.engine.TokenTrie;
import org.jpeglm.video.DecodedVideo;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.H264Decoder;
import org.jpeglm.video.VideoProfile;

/**
 * The video codec's part in the engine: what writing a video needs (token bytes, the trie for token healing's forced
 * bytes, the tolerant decoder and the profile). Videos have no grammar and no previews; the engine hands on each
 * written video, decoded afterwards off its thread. Thread-safe (the decoder runs one ffmpeg per call).
 */
record VideoCodec(TokenTable tokens, TokenTrie trie, H264Decoder decoder, VideoProfile profile)
        implements StreamCodec<WrittenVideo, WrittenVideo> {
    @Override
    public StreamSlot<WrittenVideo> open(
            StreamJob job, EngineRequest<WrittenVideo, WrittenVideo> request, int contextLength) {
        return new VideoSlot(job, request, this, contextLength);
    }

    /** The written video decoded tolerantly (a stream that yields nothing is 0 frames, not an error). */
    GeneratedVideo decode(WrittenVideo written) {
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
                written.stop(),
                written.time());
    }
}
