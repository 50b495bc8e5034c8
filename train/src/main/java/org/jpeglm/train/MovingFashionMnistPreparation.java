package org.jpeglm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.bpe.HfTokenizerJson;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.video.H264Encoder;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;
import org.jpeglm.video.VideoProfileFile;

/**
 * The training data of the bundled Avc-LM: moving Fashion-MNIST videos ({@link MovingFashionMnist}; training
 * videos from the training images, test videos from the test images) encoded with the video profile by
 * {@link H264Encoder}, a byte-level BPE learned on the first training streams, and the token sequences
 * (BOS … EOS per video) packed into windows for {@code train/train_llama.py}.
 *
 * <p>Writes to the output directory: {@code train.u16}, {@code test.u16}, {@code tokenizer.json},
 * {@value VideoProfileFile#FILE_NAME}, {@code meta.json}, and {@code test-streams.bin} (the test videos' H.264
 * streams, each preceded by its length as a little-endian uint32, for scoring).
 */
public final class MovingFashionMnistPreparation {
    /**
     * What to prepare.
     *
     * @param data the Fashion-MNIST directory
     * @param out the output directory
     * @param videos training videos
     * @param testVideos test videos
     * @param profile the video profile (size, rate, frames, QP, encoder)
     * @param merges BPE merges
     * @param bpeVideos the training videos the BPE is learned from
     * @param context the window length in tokens
     * @param seed the dataset's seed (test videos use seed + 1)
     * @param processes ffmpeg processes run at once
     */
    public record Options(
            Path data,
            Path out,
            int videos,
            int testVideos,
            VideoProfile profile,
            int merges,
            int bpeVideos,
            int context,
            long seed,
            int processes) {
        public Options {
            Objects.requireNonNull(data, "data");
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(profile, "profile");
            if (videos < 1 || testVideos < 1) {
                throw new IllegalArgumentException("video counts must be >= 1");
            }
            if (profile.width() != profile.height()) {
                throw new IllegalArgumentException("moving Fashion-MNIST frames are square, the profile's are "
                        + profile.width() + "x" + profile.height());
            }
            if (merges < 0 || bpeVideos < 1 || context < 2 || processes < 1) {
                throw new IllegalArgumentException(
                        "merges must be >= 0, BPE videos >= 1, context >= 2 and processes >= 1");
            }
        }

        /**
         * The bundled model's recipe: 20,000 training and 500 test videos in the toy profile (64×64, 15 frames at
         * 3 fps, QP 37), a 1024-token BPE (766 merges plus 256 bytes, BOS and EOS) learned on 10,000 videos,
         * windows of 1024 tokens.
         */
        public static Options defaults(Path out) {
            return new Options(FashionMnist.DEBIAN_DIR, out, 20_000, 500, VideoProfile.toy(), 766, 10_000, 1024, 1, 2);
        }
    }

    /** What was written. */
    public record Result(
            int trainVideos,
            int testVideos,
            int vocabSize,
            double bytesPerVideo,
            double tokensPerVideo,
            int maxTokensPerVideo,
            int trainWindows,
            int testWindows) {}

    private final Options options;

    public MovingFashionMnistPreparation(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Makes, encodes, learns the BPE, packs and writes everything; each file appears complete or not at all. */
    public Result run() throws IOException {
        Path out = options.out();
        Files.createDirectories(out);
        VideoProfile profile = options.profile();
        List<byte[]> train = encode(dataset(true), options.videos());
        List<byte[]> test = encode(dataset(false), options.testVideos());
        BpeTokenizer tokenizer = new BpeTrainer(options.merges(), 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS)
                .train(train.subList(0, Math.min(options.bpeVideos(), train.size())));
        List<int[]> trainTokens =
                train.parallelStream().map(s -> tokenizer.encode(s, true, true)).toList();
        List<int[]> testTokens =
                test.parallelStream().map(s -> tokenizer.encode(s, true, true)).toList();
        TokenWindows trainWindows = TokenWindows.pack(trainTokens, options.context());
        TokenWindows testWindows = TokenWindows.pack(testTokens, options.context());

        CodecCorpus.writeWindows(trainWindows, out.resolve("train.u16"));
        CodecCorpus.writeWindows(testWindows, out.resolve("test.u16"));
        HfTokenizerJson.write(tokenizer, out.resolve("tokenizer.json"));
        VideoProfileFile.write(out.resolve(VideoProfileFile.FILE_NAME), profile);
        AtomicFile.write(out.resolve("test-streams.bin"), lengthPrefixed(test));
        ObjectNode meta = meta(tokenizer, train, test, trainTokens, testTokens, trainWindows, testWindows);
        AtomicFile.write(
                out.resolve("meta.json"),
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(meta));
        return new Result(
                train.size(),
                test.size(),
                tokenizer.vocabSize(),
                meta.get("bytes_per_video").asDouble(),
                meta.get("tokens_per_video").asDouble(),
                meta.get("max_tokens_per_video").asInt(),
                trainWindows.windows(),
                testWindows.windows());
    }

    /** The training or test videos' generator. */
    MovingFashionMnist dataset(boolean trainSplit) throws IOException {
        VideoProfile p = options.profile();
        return new MovingFashionMnist(
                FashionMnist.read(options.data(), trainSplit, -1),
                p.width(),
                p.frames(),
                p.fps(),
                trainSplit ? options.seed() : options.seed() + 1);
    }

    /** Videos 0..count-1 encoded, in order, by {@code processes} ffmpeg processes at a time. */
    private List<byte[]> encode(MovingFashionMnist dataset, int count) throws IOException {
        int chunk = 480;
        int chunks = (count + chunk - 1) / chunk;
        H264Encoder encoder = new H264Encoder();
        List<List<byte[]>> parts = new ArrayList<>();
        try (var pool = new java.util.concurrent.ForkJoinPool(options.processes())) {
            parts = pool.submit(() -> IntStream.range(0, chunks)
                            .parallel()
                            .mapToObj(c -> {
                                int from = c * chunk;
                                List<Video> videos = dataset.videos(from, Math.min(chunk, count - from));
                                try {
                                    return encoder.encodeAll(videos, options.profile());
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            })
                            .toList())
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while encoding", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw new IOException("encoding failed: " + e.getCause(), e.getCause());
        }
        return parts.stream().flatMap(List::stream).toList();
    }

    private ObjectNode meta(
            BpeTokenizer tokenizer,
            List<byte[]> train,
            List<byte[]> test,
            List<int[]> trainTokens,
            List<int[]> testTokens,
            TokenWindows trainWindows,
            TokenWindows testWindows) {
        VideoProfile p = options.profile();
        double bytesPerVideo = mean(train.stream().mapToLong(b -> b.length).sum(), train.size());
        long rawBytes = (long) p.frames() * p.pixelsPerFrame() * 3;
        int[] lengths = trainTokens.stream().mapToInt(t -> t.length).sorted().toArray();
        ObjectNode meta = new ObjectMapper()
                .createObjectNode()
                .put("dataset", "moving-fashion-mnist")
                .put("codec", p.codec())
                .put("size", p.width())
                .put("frames", p.frames())
                .put("fps", p.fps())
                .put("qp", p.qp())
                .put("encoder_command", String.join(" ", H264Encoder.commandLine(p)))
                .put("seed", options.seed())
                .put("vocab_size", tokenizer.vocabSize())
                .put("merges", tokenizer.mergeCount())
                .put("bos_id", tokenizer.bosId())
                .put("eos_id", tokenizer.eosId())
                .put("context", options.context())
                .put("train_videos", train.size())
                .put("test_videos", test.size())
                .put("bpe_videos", Math.min(options.bpeVideos(), train.size()))
                .put("train_windows", trainWindows.windows())
                .put("test_windows", testWindows.windows())
                .put("bytes_per_video", bytesPerVideo)
                .put("raw_rgb24_bytes_per_video", rawBytes)
                .put("raw_gray_bytes_per_video", rawBytes / 3)
                .put("compression_vs_rgb24", rawBytes / bytesPerVideo)
                .put("compression_vs_gray", rawBytes / 3 / bytesPerVideo)
                .put(
                        "tokens_per_video",
                        mean(Arrays.stream(lengths).asLongStream().sum(), lengths.length))
                .put("median_tokens_per_video", lengths[lengths.length / 2])
                .put("p99_tokens_per_video", lengths[(int) Math.min(lengths.length - 1, lengths.length * 0.99)])
                .put("max_tokens_per_video", lengths[lengths.length - 1])
                .put(
                        "longer_than_context",
                        Arrays.stream(lengths)
                                .filter(n -> n > options.context())
                                .count())
                .put("test_bytes", test.stream().mapToLong(b -> b.length).sum())
                .put("test_tokens", testTokens.stream().mapToLong(t -> t.length).sum());
        return meta;
    }

    /** Streams each preceded by its length (little-endian uint32). */
    static byte[] lengthPrefixed(List<byte[]> streams) {
        int total = streams.stream().mapToInt(s -> s.length + 4).sum();
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(total).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        streams.forEach(s -> buf.putInt(s.length).put(s));
        return buf.array();
    }

    private static double mean(long sum, int n) {
        return n == 0 ? 0 : (double) sum / n;
    }
}
