package org.jpeglm.avclm;

import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.StreamCodec;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamSlot;
import org.jpeglm.engine.TokenTable;
import org.jpeglm.engine.TokenTrie;
import org.jpeglm.video.H264Decoder;
import org.jpeglm.video.VideoProfile;

/**
 * The video codec's part in the engine: what writing a video needs (token bytes, the trie for token healing's forced
 * bytes, the tolerant decoder and the profile). Videos have no grammar and no previews, and their listener receives
 * each finished video. Thread-safe (the decoder runs one ffmpeg per call).
 */
record VideoCodec(TokenTable tokens, TokenTrie trie, H264Decoder decoder, VideoProfile profile)
        implements StreamCodec<GeneratedVideo, GeneratedVideo> {
    @Override
    public StreamSlot<GeneratedVideo> open(
            StreamJob job, EngineRequest<GeneratedVideo, GeneratedVideo> request, int contextLength) {
        return new VideoSlot(job, request, this, contextLength);
    }
}
