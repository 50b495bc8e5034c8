package org.jpeglm.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jpeglm.avclm.VideoGenerator;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.avclm.VideoOptions;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.image.GeneratorOptions;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What every codec's generator promises in the shared records, checked the same way for images (jpeg) and videos
 * (h264) on tiny random models: one {@link Score} per stream (its bytes, its tokens, bits per byte and nats per token
 * derived from its bits) and one {@link RunStats} per run (nothing before the first; the results, tokens and steps of
 * the last).
 */
class CodecContractTest {
    @TempDir
    static Path dir;

    /**
     * One codec's generator, as the contract sees it.
     *
     * @param generate generates count results and returns how many came back
     * @param streams the streams of a few test artefacts of the codec
     */
    record Subject(
            BpeTokenizer tokenizer,
            IntUnaryOperator generate,
            Supplier<RunStats> lastStats,
            Supplier<List<byte[]>> streams,
            Function<List<byte[]>, List<Score>> scoreStreams,
            AutoCloseable generator,
            AutoCloseable model)
            implements AutoCloseable {
        @Override
        public void close() throws Exception {
            generator.close();
            model.close();
        }
    }

    static Stream<String> codecs() {
        return Stream.of("jpeg", "h264");
    }

    static Subject open(String codec) throws IOException {
        return switch (codec) {
            case "jpeg" -> image();
            case "h264" -> video();
            default -> throw new IllegalArgumentException(codec);
        };
    }

    private static Subject image() throws IOException {
        Path path = dir.resolve("tiny-jpeglm.gguf");
        TinyJpegLm.write(path, 5);
        ImageModel model = ImageModel.load(path);
        ImageGenerator g = model.newGenerator(GeneratorOptions.builder()
                .parallel(2)
                .threads(2)
                .seed(3)
                .maxTokens(40)
                .build());
        return new Subject(
                model.spec().tokenizer(),
                count -> g.generate(count).size(),
                g::lastStats,
                () -> IntStream.range(0, 3)
                        .mapToObj(i -> g.streamOf(TinyJpegLm.picture(100 + i)))
                        .toList(),
                g::scoreStreams,
                g,
                model);
    }

    private static Subject video() throws IOException {
        Path path = dir.resolve("tiny-avclm.gguf");
        TinyAvcLm.write(path, 5);
        VideoModel model = VideoModel.load(path);
        VideoGenerator g = model.newGenerator(VideoOptions.builder()
                .parallel(2)
                .threads(2)
                .seed(3)
                .maxTokens(40)
                .build());
        return new Subject(
                model.tokenizer(),
                count -> g.generate(count).size(),
                g::lastStats,
                () -> IntStream.range(0, 3)
                        .mapToObj(i -> g.streamOf(TinyAvcLm.video(200 + i)))
                        .toList(),
                g::scoreStreams,
                g,
                model);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aRunIsAccountedForInOneRunStats(String codec) throws Exception {
        try (Subject s = open(codec)) {
            assertEquals(RunStats.NONE, s.lastStats().get(), "nothing run yet");
            assertEquals(3, s.generate().applyAsInt(3));
            RunStats st = s.lastStats().get();
            assertEquals(3, st.results(), st.toString());
            assertTrue(st.tokens() >= 3 && st.tokens() <= 3 * 40, st.toString());
            assertTrue(st.steps() > 0 && st.steps() <= st.tokens(), st.toString());
            assertTrue(st.totalNanos() >= st.stepNanos() && st.stepNanos() > 0, st.toString());
            assertTrue(st.firstNanos() > 0 && st.firstNanos() <= st.totalNanos(), st.toString());
            assertEquals(st.results() / (st.totalNanos() / 1e9), st.resultsPerSecond(), 1e-9);
            assertEquals(st.tokens() / (st.totalNanos() / 1e9), st.tokensPerSecond(), 1e-9);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void eachStreamGetsOneScore(String codec) throws Exception {
        try (Subject s = open(codec)) {
            List<byte[]> streams = s.streams().get();
            List<Score> scores = s.scoreStreams().apply(streams);
            assertEquals(streams.size(), scores.size());
            for (int i = 0; i < streams.size(); i++) {
                Score score = scores.get(i);
                assertEquals(streams.get(i).length, score.bytes(), score.toString());
                assertEquals(
                        s.tokenizer().encode(streams.get(i), true, true).length - 1, score.tokens(), "BOS excluded");
                assertTrue(score.bits() > 0 && Double.isFinite(score.bits()), score.toString());
                assertEquals(score.bits() / score.bytes(), score.bitsPerByte(), 1e-12);
                assertEquals(score.bits() * Math.log(2) / score.tokens(), score.natsPerToken(), 1e-12);
            }
        }
    }
}
