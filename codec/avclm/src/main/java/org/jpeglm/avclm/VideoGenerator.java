package org.jpeglm.avclm;

import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jpeglm.Session;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.GeneratorView;
import org.jpeglm.engine.Finisher;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.H264Decoder;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;

/**
 * Generates, completes and scores videos with an Avc-LM model: the codec-neutral {@link Generator} over the h264
 * codec ({@link GeneratorView}), with completion by frames. {@link org.jpeglm.codec.GenerationOptions#parallel()}
 * videos are written together, one native step for all of them per token, and when
 * one ends the next starts in its sequence. Each video has its own seed,
 * {@code options.seed() + index} mixed, so a request gives the same videos on every run with the same options. Videos
 * are sampled freely and end at EOS or their token budget; each is then decoded by ffmpeg, tolerantly
 * ({@link GeneratedVideo#report()}), off the engine's thread.
 *
 * <p>Used by one thread at a time (like {@link Session}); {@link #cancel()} may be called from any thread.
 */
public final class VideoGenerator extends GeneratorView<Video, GeneratedVideo> {
    private final VideoModel model;

    VideoGenerator(VideoModel model, GenerationOptions options) {
        this(model, model.codecModel().newGenerator(options)); // ffmpeg as set now
    }

    /** A generator running ffmpeg as ffmpeg says (tests use a missing or failing one). */
    VideoGenerator(VideoModel model, GenerationOptions options, Ffmpeg ffmpeg) {
        this(model, options, ffmpeg, () -> Finisher.newWorkers("video-decode"));
    }

    /** A generator decoding each run's videos on a pool from decodeWorkers (tests decode at once, on the engine). */
    VideoGenerator(
            VideoModel model, GenerationOptions options, Ffmpeg ffmpeg, Supplier<ExecutorService> decodeWorkers) {
        this(
                model,
                CodecModel.of(
                                model.model(),
                                new H264Codec(
                                        model.spec(), new H264Encoder(ffmpeg), new H264Decoder(ffmpeg), decodeWorkers))
                        .newGenerator(options));
    }

    private VideoGenerator(VideoModel model, Generator<Video, GeneratedVideo> generator) {
        super(generator);
        this.model = model;
    }

    public VideoProfile profile() {
        return model.profile();
    }

    /**
     * Continues each video from its first frames: the video is encoded with the model's profile (fitted to its size
     * and rate by the caller, e.g. {@link org.jpeglm.video.VideoFiles}), the bytes of its first frames pictures are
     * the prompt, kept byte for byte, and the model writes the rest.
     *
     * @throws IllegalArgumentException when frames is not in [1, the profile's frames) or a video is shorter
     * @throws UncheckedIOException when ffmpeg cannot encode a prompt
     */
    public List<GeneratedVideo> complete(List<Video> videos, int frames) {
        return generator().complete(videos, Cut.units(frames));
    }

    /** {@link #complete(List, int)}, with each video passed to listener when done. */
    public List<GeneratedVideo> complete(List<Video> videos, int frames, Consumer<GeneratedVideo> listener) {
        return generator().complete(videos, Cut.units(frames), listener);
    }

    /** Continues each stream prefix (H.264 bytes of the model's profile) as it is, byte for byte. */
    public List<GeneratedVideo> completeStreams(List<byte[]> prefixes, Consumer<GeneratedVideo> listener) {
        return generator().completeStreams(prefixes, listener);
    }
}
