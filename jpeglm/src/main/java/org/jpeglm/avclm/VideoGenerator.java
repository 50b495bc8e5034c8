package org.jpeglm.avclm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jpeglm.Session;
import org.jpeglm.ThreadCounts;
import org.jpeglm.codec.RunStats;
import org.jpeglm.codec.Score;
import org.jpeglm.engine.EngineRequest;
import org.jpeglm.engine.Finisher;
import org.jpeglm.engine.StreamJob;
import org.jpeglm.engine.StreamPrompts;
import org.jpeglm.engine.StreamRunner;
import org.jpeglm.engine.TokenTable;
import org.jpeglm.engine.TokenTrie;
import org.jpeglm.engine.Written;
import org.jpeglm.video.Ffmpeg;
import org.jpeglm.video.H264Decoder;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.H264Streams;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;

/**
 * Generates, completes and scores videos with an Avc-LM model, on the engine {@link org.jpeglm.image.ImageGenerator}
 * uses: {@link VideoOptions#parallel()} videos are written together, one native step for all of them per token, and
 * when one ends the next starts in its sequence. Each video has its own seed, {@code options.seed() + index} mixed,
 * so a request gives the same videos on every run with the same options. Videos are sampled freely and end at EOS
 * or their token budget; each is then decoded by ffmpeg, tolerantly ({@link GeneratedVideo#report()}).
 *
 * <p>Used by one thread at a time (like {@link Session}); {@link #cancel()} may be called from any thread.
 */
public final class VideoGenerator implements AutoCloseable {
    private final VideoModel model;
    private final VideoOptions options;
    private final StreamPrompts prompts;
    private final VideoCodec codec;
    private final H264Encoder encoder;
    private final Supplier<ExecutorService> decodeWorkers;
    private final StreamRunner<Written> runner;

    VideoGenerator(VideoModel model, VideoOptions options) {
        this(model, options, Ffmpeg.system());
    }

    /** A generator running ffmpeg as ffmpeg says (tests use a missing or failing one). */
    VideoGenerator(VideoModel model, VideoOptions options, Ffmpeg ffmpeg) {
        this(model, options, ffmpeg, () -> Finisher.newWorkers("video-decode"));
    }

    /** A generator decoding each run's videos on a pool from decodeWorkers (tests decode at once, on the engine). */
    VideoGenerator(VideoModel model, VideoOptions options, Ffmpeg ffmpeg, Supplier<ExecutorService> decodeWorkers) {
        this.model = model;
        this.options = options;
        this.decodeWorkers = decodeWorkers;
        TokenTable tokens = new TokenTable(model.tokenizer(), model.model().vocabSize());
        this.codec = new VideoCodec(
                tokens,
                new TokenTrie(model.tokenizer(), model.model().vocabSize()),
                new H264Decoder(ffmpeg),
                model.profile());
        this.encoder = new H264Encoder(ffmpeg);
        this.runner = new StreamRunner<>(model.model(), tokens, options.generation());
        this.prompts = runner.prompts(model.tokenizer(), "video"); // within the context the runner computed
    }

    public VideoOptions options() {
        return options;
    }

    public VideoProfile profile() {
        return model.profile();
    }

    /** Most tokens one video may take (prompt included): the model's context length. */
    public int contextLength() {
        return runner.contextLength();
    }

    /** count videos from nothing (the prompt is BOS), in index order. */
    public List<GeneratedVideo> generate(int count) {
        return generate(count, video -> {});
    }

    /** count videos from nothing; listener receives each as soon as it is done (on this thread). */
    public List<GeneratedVideo> generate(int count, Consumer<GeneratedVideo> listener) {
        return run(prompts.generation(count, options.seed()), listener);
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
        return complete(videos, frames, video -> {});
    }

    /** {@link #complete(List, int)}, with each video passed to listener when done. */
    public List<GeneratedVideo> complete(List<Video> videos, int frames, Consumer<GeneratedVideo> listener) {
        Objects.requireNonNull(videos, "videos");
        requirePromptFrames(frames);
        List<byte[]> prefixes = new ArrayList<>(videos.size());
        for (int i = 0; i < videos.size(); i++) {
            runner.checkCancelled(); // encoding many prompts takes a while: a cancel must not wait for all
            prefixes.add(promptOf(i, videos.get(i), frames));
        }
        return completeStreams(prefixes, listener);
    }

    /** Continues each stream prefix (H.264 bytes of the model's profile) as it is, byte for byte. */
    public List<GeneratedVideo> completeStreams(List<byte[]> prefixes, Consumer<GeneratedVideo> listener) {
        Objects.requireNonNull(prefixes, "prefixes");
        List<StreamJob> jobs = new ArrayList<>(prefixes.size());
        for (int i = 0; i < prefixes.size(); i++) {
            jobs.add(prompts.completion(i, options.seed(), prefixes.get(i)));
        }
        return run(jobs, listener);
    }

    private void requirePromptFrames(int frames) {
        int total = model.profile().frames();
        if (frames < 1 || frames >= total) {
            throw new IllegalArgumentException(
                    "the prompt must be 1 to " + (total - 1) + " frames of the model's " + total + ", got " + frames);
        }
    }

    /** The bytes of video's first frames pictures under the model's profile. */
    private byte[] promptOf(int index, Video video, int frames) {
        if (video.frameCount() < frames) {
            throw new IllegalArgumentException("video " + index + " has " + video.frameCount()
                    + " frames, fewer than the " + frames + " of the prompt");
        }
        return H264Streams.prefixFrames(streamOf(video), frames);
    }

    private List<GeneratedVideo> run(List<StreamJob> jobs, Consumer<GeneratedVideo> listener) {
        Objects.requireNonNull(listener, "listener");
        try (Finisher<GeneratedVideo> decoding =
                new Finisher<>(codec::decode, jobs.size(), listener, decodeWorkers.get())) {
            runner.run(new EngineRequest<>(
                    jobs,
                    options.sampling(),
                    false,
                    options.maxTokens(),
                    codec,
                    decoding::submit,
                    Function.identity()));
            return decoding.all(runner::checkCancelled);
        }
    }

    /** The negative log-likelihood of each video's stream under the model's profile. */
    public List<Score> score(List<Video> videos) {
        Objects.requireNonNull(videos, "videos");
        return scoreStreams(videos.stream().map(this::streamOf).toList());
    }

    /** The negative log-likelihood of H.264 streams. */
    public List<Score> scoreStreams(List<byte[]> streams) {
        Objects.requireNonNull(streams, "streams");
        return runner.score(model.tokenizer(), streams, "video");
    }

    /**
     * video's H.264 stream under the model's profile (the exact bytes of the recipe's ffmpeg command).
     *
     * @throws UncheckedIOException when ffmpeg cannot encode it
     */
    public byte[] streamOf(Video video) {
        Objects.requireNonNull(video, "video");
        try {
            return encoder.encode(video, model.profile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a video with the model's profile: " + e.getMessage(), e);
        }
    }

    /** Where the time of the last generate or complete request went (decoding the videos, off the engine, aside). */
    public RunStats lastStats() {
        return runner.lastStats();
    }

    /** The CPU threads this generator's session uses now, and how they were chosen (same thread as generate). */
    public ThreadCounts threads() {
        return runner.threads();
    }

    /** Stops the request in progress, or the next one, from any thread: it throws CancellationException. */
    public void cancel() {
        runner.cancel();
    }

    @Override
    public void close() {
        runner.close();
    }
}
