package org.jpeglm.avclm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.StopReason;
import org.jpeglm.codec.StreamState;
import org.jpeglm.codec.StreamWriter;
import org.jpeglm.codec.Written;
import org.jpeglm.engine.Finisher;
import org.jpeglm.engine.TokenTrie;
import org.jpeglm.video.DecodedVideo;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.FfmpegException;
import org.jpeglm.video.H264Decoder;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.H264Streams;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoLmSpec;
import org.jpeglm.video.VideoProfile;

/**
 * The h264 codec: videos encoded by ffmpeg with the model's {@link VideoProfile}, prompts cut on frames, streams
 * written without a grammar (nothing in a generated stream's bytes ends it) and decoded tolerantly by ffmpeg off the
 * engine's thread. Thread-safe (the encoder and decoder run one ffmpeg per call).
 *
 * <p>Public so that a caller holding an h264 {@link org.jpeglm.codec.CodecModel} (the server) can read its spec; made
 * by {@link H264CodecFactory} and {@link VideoModel}.
 *
 * @param finishers the pool each run's videos are decoded on (tests decode at once, on the engine)
 */
public record H264Codec(VideoLmSpec spec, H264Encoder encoder, H264Decoder decoder, Supplier<ExecutorService> finishers)
        implements Codec<Video, GeneratedVideo> {
    public H264Codec {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        Objects.requireNonNull(finishers, "finishers");
    }

    /** The codec of spec running ffmpeg as ffmpeg says, decoding on a pool of its own per run. */
    static H264Codec of(VideoLmSpec spec, Ffmpeg ffmpeg) {
        return new H264Codec(
                spec, new H264Encoder(ffmpeg), new H264Decoder(ffmpeg), () -> Finisher.newWorkers("video-decode"));
    }

    public VideoProfile profile() {
        return spec.profile();
    }

    @Override
    public String name() {
        return VideoProfile.H264;
    }

    @Override
    public String noun() {
        return "video";
    }

    @Override
    public BpeTokenizer tokenizer() {
        return spec.tokenizer();
    }

    @Override
    public int units() {
        return profile().frames();
    }

    @Override
    public String unitName() {
        return "frames";
    }

    /** A prompt keeps at least one frame's picture: a stream of headers alone holds nothing to continue. */
    @Override
    public int minPromptUnits() {
        return 1;
    }

    /** A prompt leaves at least one frame to write. */
    @Override
    public int maxPromptUnits() {
        return units() - 1;
    }

    /**
     * video's H.264 stream under the model's profile (the exact bytes of the recipe's ffmpeg command).
     *
     * @throws UncheckedIOException when ffmpeg cannot encode it
     */
    @Override
    public byte[] encode(Video video) {
        Objects.requireNonNull(video, "video");
        try {
            return encoder.encode(video, profile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a video with the model's profile: " + e.getMessage(), e);
        }
    }

    /** The bytes of video's first frames pictures; refused before ffmpeg runs when the video is shorter. */
    @Override
    public byte[] prompt(int index, Video video, int frames) {
        if (video.frameCount() < frames) {
            throw new IllegalArgumentException("video " + index + " has " + video.frameCount()
                    + " frames, fewer than the " + frames + " of the prompt");
        }
        return prefix(encode(video), frames);
    }

    @Override
    public byte[] prefix(byte[] stream, int frames) {
        return H264Streams.prefixFrames(stream, frames);
    }

    /** Videos have no grammar: each stream is followed by an {@link H264StreamState} that counts its frames. */
    @Override
    public StreamWriter newWriter(int vocabSize) {
        TokenTrie trie = new TokenTrie(spec.tokenizer(), vocabSize);
        return new StreamWriter() {
            @Override
            public StreamState open(byte[] promptBytes) {
                return new H264StreamState(trie, profile().frames(), promptBytes);
            }

            @Override
            public boolean hasGrammar() {
                return false;
            }
        };
    }

    /** The written video decoded tolerantly (a stream that yields nothing is 0 frames, not an error). */
    @Override
    public GeneratedVideo finish(Written written) {
        DecodedVideo decoded;
        try {
            decoded = decoder.decode(written.stream(), profile());
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

    /** An ffmpeg process per video: decoded on a pool while the engine writes the others. */
    @Override
    public boolean finishesOffThread() {
        return true;
    }

    @Override
    public ExecutorService newFinishers() {
        return finishers.get();
    }

    private static GeneratedVideo.StopReason stopOf(StopReason stop) {
        return switch (stop) {
            case EOS -> GeneratedVideo.StopReason.EOS;
            case MAX_TOKENS -> GeneratedVideo.StopReason.MAX_TOKENS;
            case END -> throw new IllegalStateException("a video has no syntactic end");
        };
    }
}
