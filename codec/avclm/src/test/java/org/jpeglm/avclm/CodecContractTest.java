package org.jpeglm.avclm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.RunStats;
import org.jpeglm.codec.Score;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageModel;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.video.Video;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the one codec-neutral {@link Generator} promises for every codec, checked the same way for images (jpeg) and
 * videos (h264) on tiny random models: one {@link Score} per stream (its bytes, its tokens, bits per byte and nats per
 * token derived from its bits), one {@link RunStats} per run (nothing before the first; the results, tokens and steps
 * of the last), the same results for the same seed, completions that keep their prompt byte for byte, cuts outside
 * the codec's range refused naming its units, and each result's events in order, its {@link Event.Finished} last.
 */
class CodecContractTest {
    private static final GenerationOptions OPTIONS = GenerationOptions.builder()
            .parallel(2)
            .threads(2)
            .seed(3)
            .maxTokens(40)
            .build();

    @TempDir
    static Path dir;

    /**
     * One codec's generator, as the contract sees it.
     *
     * @param artefacts a few test artefacts of the codec (prompts, scored inputs)
     * @param cut a cut inside the codec's range for prompts
     * @param stream the stream a result was written as
     */
    record Subject<A, R>(
            CodecModel<A, R> model,
            Generator<A, R> generator,
            List<A> artefacts,
            Cut cut,
            Function<R, byte[]> stream,
            AutoCloseable owner)
            implements AutoCloseable {
        Codec<A, R> codec() {
            return model.codec();
        }

        @Override
        public void close() throws Exception {
            generator.close();
            owner.close();
        }
    }

    static Stream<String> codecs() {
        return Stream.of("jpeg", "h264");
    }

    static Subject<?, ?> open(String codec) throws IOException {
        return switch (codec) {
            case "jpeg" -> image();
            case "h264" -> video();
            default -> throw new IllegalArgumentException(codec);
        };
    }

    private static Subject<BufferedImage, GeneratedImage> image() throws IOException {
        Path path = dir.resolve("tiny-jpeglm.gguf");
        TinyJpegLm.write(path, 5);
        ImageModel model = ImageModel.load(path);
        CodecModel<BufferedImage, GeneratedImage> m = model.codecModel();
        List<BufferedImage> pictures =
                IntStream.range(0, 3).mapToObj(i -> TinyJpegLm.picture(100 + i)).toList();
        return new Subject<>(m, m.newGenerator(OPTIONS), pictures, Cut.share(0.5), GeneratedImage::stream, model);
    }

    private static Subject<Video, GeneratedVideo> video() throws IOException {
        Path path = dir.resolve("tiny-avclm.gguf");
        TinyAvcLm.write(path, 5);
        VideoModel model = VideoModel.load(path);
        CodecModel<Video, GeneratedVideo> m = model.codecModel();
        List<Video> videos =
                IntStream.range(0, 3).mapToObj(i -> TinyAvcLm.video(200 + i)).toList();
        return new Subject<>(m, m.newGenerator(OPTIONS), videos, Cut.units(2), GeneratedVideo::stream, model);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aRunIsAccountedForInOneRunStats(String codec) throws Exception {
        try (Subject<?, ?> s = open(codec)) {
            Generator<?, ?> g = s.generator();
            assertEquals(RunStats.NONE, g.lastStats(), "nothing run yet");
            assertEquals(3, g.generate(3).size());
            RunStats st = g.lastStats();
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
        try (Subject<?, ?> s = open(codec)) {
            eachStreamGetsOneScore(s);
        }
    }

    private static <A, R> void eachStreamGetsOneScore(Subject<A, R> s) {
        List<byte[]> streams =
                s.artefacts().stream().map(s.generator()::streamOf).toList();
        List<Score> scores = s.generator().score(s.artefacts());
        assertEquals(streams.size(), scores.size());
        for (int i = 0; i < streams.size(); i++) {
            Score score = scores.get(i);
            assertEquals(streams.get(i).length, score.bytes(), score.toString());
            assertEquals(
                    s.codec().tokenizer().encode(streams.get(i), true, true).length - 1,
                    score.tokens(),
                    "BOS excluded");
            assertTrue(score.bits() > 0 && Double.isFinite(score.bits()), score.toString());
            assertEquals(score.bits() / score.bytes(), score.bitsPerByte(), 1e-12);
            assertEquals(score.bits() * Math.log(2) / score.tokens(), score.natsPerToken(), 1e-12);
        }
        assertEquals(scores, s.generator().scoreStreams(streams), "score is scoreStreams of the encoded artefacts");
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void theSameSeedGivesTheSameStreams(String codec) throws Exception {
        try (Subject<?, ?> s = open(codec)) {
            assertEquals(streamsOf(s), streamsOf(s));
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aCompletionKeepsItsPromptByteForByte(String codec) throws Exception {
        try (Subject<?, ?> s = open(codec)) {
            aCompletionKeepsItsPromptByteForByte(s);
        }
    }

    private static <A, R> void aCompletionKeepsItsPromptByteForByte(Subject<A, R> s) {
        Codec<A, R> c = s.codec();
        int units = s.cut().unitsOf(c.units());
        List<R> results = s.generator().complete(s.artefacts(), s.cut());
        assertEquals(s.artefacts().size(), results.size());
        for (int i = 0; i < results.size(); i++) {
            byte[] prompt = c.prefix(c.encode(s.artefacts().get(i)), units);
            byte[] written = s.stream().apply(results.get(i));
            assertTrue(prompt.length > 0 && written.length >= prompt.length, c.name() + " result " + i);
            assertArrayEquals(prompt, Arrays.copyOf(written, prompt.length), c.name() + " result " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aCutOutsideTheCodecsRangeIsRefusedNamingItsUnits(String codec) throws Exception {
        try (Subject<?, ?> s = open(codec)) {
            Codec<?, ?> c = s.codec();
            for (int units : new int[] {c.minPromptUnits() - 1, c.maxPromptUnits() + 1}) {
                var e = assertThrows(
                        IllegalArgumentException.class, () -> s.generator().complete(List.of(), Cut.units(units)));
                assertTrue(e.getMessage().contains(c.unitName() + " of the model's " + c.units()), e.getMessage());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void eachResultsEventsAreInOrderAndEndWithItsResult(String codec) throws Exception {
        try (Subject<?, ?> s = open(codec)) {
            eachResultsEventsAreInOrder(s);
        }
    }

    private static <A, R> void eachResultsEventsAreInOrder(Subject<A, R> s) {
        List<Event<R>> events = new ArrayList<>();
        List<R> results = s.generator().generate(3, Previews.NONE, events::add);
        for (int i = 0; i < results.size(); i++) {
            int index = i;
            List<Event<R>> mine =
                    events.stream().filter(e -> e.index() == index).toList();
            var last = assertInstanceOf(
                    Event.Finished.class, mine.getLast(), s.codec().name());
            assertEquals(results.get(i), last.result(), "the Finished event carries the result");
            assertEquals(
                    1, mine.stream().filter(e -> e instanceof Event.Finished).count());
            int units = -1;
            for (Event<R> e : mine) {
                if (e instanceof Event.Progress<R> p) {
                    assertTrue(p.units() > units && p.units() <= p.totalUnits(), p.toString());
                    assertEquals(s.codec().units(), p.totalUnits(), p.toString());
                    units = p.units();
                }
            }
        }
    }

    /** The streams of 3 results generated from nothing. */
    private static <R> List<List<Byte>> streamsOf(Subject<?, R> s) {
        List<List<Byte>> out = new ArrayList<>();
        for (R r : s.generator().generate(3)) {
            byte[] b = s.stream().apply(r);
            List<Byte> l = new ArrayList<>(b.length);
            for (byte x : b) {
                l.add(x);
            }
            out.add(l);
        }
        return out;
    }
}
