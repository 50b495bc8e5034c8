package org.jpeglm.avclm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.codec.Codec;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Generator;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.Service;
import org.jpeglm.codec.ServiceBusyException;
import org.jpeglm.codec.ServiceStats;
import org.jpeglm.codec.StreamState;
import org.jpeglm.codec.StreamWriter;
import org.jpeglm.codec.Task;
import org.jpeglm.codec.Written;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageModel;
import org.jpeglm.testing.TinyAvcLm;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.video.Video;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the one codec-neutral {@link Service} promises for every codec, checked the same way for images (jpeg) and
 * videos (h264, finished off the scheduler) on tiny random models: a request run alone gives the {@link Generator}'s
 * results for the same seed and parallel count (generations and completions); deterministic, requests submitted from
 * several threads at once each get the deterministic generator's results; a cancelled request ends with
 * {@link CancellationException} and frees its place in the queue; a full queue answers {@link ServiceBusyException}.
 * The scheduler is held still, where a test needs it, by a codec whose writer waits at a gate when a stream opens.
 */
class ServiceContractTest {
    private static final GenerationOptions OPTIONS = GenerationOptions.builder()
            .parallel(2)
            .threads(2)
            .seed(3)
            .maxTokens(40)
            .build();

    @TempDir
    static Path dir;

    static TinyCodecs tiny;
    static ImageModel images;
    static VideoModel videos;

    /**
     * One codec's model, as the contract sees it.
     *
     * @param artefacts a few test artefacts (prompts)
     * @param cut a cut inside the codec's range for prompts
     * @param stream the stream a result was written as
     * @param seed the seed a result was sampled with
     */
    record Subject<A, R>(
            CodecModel<A, R> model, List<A> artefacts, Cut cut, Function<R, byte[]> stream, Function<R, Long> seed) {
        List<String> streams(List<R> results) {
            return results.stream().map(r -> hex(stream.apply(r))).toList();
        }

        /** The same model, its codec's writer waiting at gate each time a stream opens, once opened is counted. */
        CodecModel<A, R> gated(CountDownLatch opened, CountDownLatch gate) {
            return CodecModel.of(model.model(), new GatedCodec<>(model.codec(), opened, gate));
        }
    }

    @BeforeAll
    static void load() throws IOException {
        tiny = TinyCodecs.load(dir);
        images = tiny.images();
        videos = tiny.videos();
    }

    @AfterAll
    static void close() {
        tiny.close();
    }

    static Stream<String> codecs() {
        return Stream.of("jpeg", "h264");
    }

    static Subject<?, ?> subject(String codec) {
        return switch (codec) {
            case "jpeg" -> image();
            case "h264" -> video();
            default -> throw new IllegalArgumentException(codec);
        };
    }

    private static Subject<BufferedImage, GeneratedImage> image() {
        List<BufferedImage> pictures =
                IntStream.range(0, 2).mapToObj(i -> TinyJpegLm.picture(100 + i)).toList();
        return new Subject<>(
                images.codecModel(), pictures, Cut.share(0.5), GeneratedImage::stream, GeneratedImage::seed);
    }

    private static Subject<Video, GeneratedVideo> video() {
        List<Video> clips =
                IntStream.range(0, 2).mapToObj(i -> TinyAvcLm.video(200 + i)).toList();
        return new Subject<>(videos.codecModel(), clips, Cut.units(2), GeneratedVideo::stream, GeneratedVideo::seed);
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aRequestAloneGivesTheGeneratorsResults(String codec) throws Exception {
        aRequestAloneGivesTheGeneratorsResults(subject(codec));
    }

    private static <A, R> void aRequestAloneGivesTheGeneratorsResults(Subject<A, R> s) throws Exception {
        List<R> generated;
        List<R> completed;
        try (Generator<A, R> g = s.model().newGenerator(OPTIONS)) {
            generated = g.generate(3);
            completed = g.complete(s.artefacts(), s.cut());
        }
        try (Service<A, R> service = s.model().newService(OPTIONS)) {
            List<Event<R>> events = new CopyOnWriteArrayList<>();
            List<R> served = service.submit(service.request(3).build(), events::add)
                    .result()
                    .get(60, TimeUnit.SECONDS);
            assertEquals(s.streams(generated), s.streams(served));
            assertEquals(
                    generated.stream().map(s.seed()).toList(),
                    served.stream().map(s.seed()).toList());
            assertEquals(
                    3, events.stream().filter(e -> e instanceof Event.Finished).count(), events.toString());
            List<R> servedCompletions = service.submit(
                            service.completion(s.artefacts(), s.cut()).build(), e -> {})
                    .result()
                    .get(60, TimeUnit.SECONDS);
            assertEquals(s.streams(completed), s.streams(servedCompletions));
            ServiceStats stats = service.stats();
            assertEquals(2, stats.requests(), stats.toString());
            assertEquals(5, stats.done(), stats.toString());
            assertEquals(0, stats.queued(), stats.toString());
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void requestsFromSeveralThreadsEachGetTheirOwnResults(String codec) throws Exception {
        requestsFromSeveralThreads(subject(codec));
    }

    private static <A, R> void requestsFromSeveralThreads(Subject<A, R> s) throws Exception {
        GenerationOptions deterministic = GenerationOptions.builder()
                .parallel(3)
                .threads(2)
                .deterministic(true)
                .maxTokens(40)
                .build();
        int threads = 4;
        List<List<String>> alone = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            GenerationOptions seeded = GenerationOptions.builder()
                    .parallel(3)
                    .threads(2)
                    .deterministic(true)
                    .maxTokens(40)
                    .seed(10 + t)
                    .build();
            try (Generator<A, R> g = s.model().newGenerator(seeded)) {
                alone.add(s.streams(g.generate(2)));
            }
        }
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try (Service<A, R> service = s.model().newService(deterministic)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<R>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = 10 + t;
                results.add(callers.submit(() -> {
                    start.await();
                    return service.submit(service.request(2).seed(seed).build(), e -> {})
                            .result()
                            .get(60, TimeUnit.SECONDS);
                }));
            }
            start.countDown();
            for (int t = 0; t < threads; t++) {
                assertEquals(alone.get(t), s.streams(results.get(t).get(90, TimeUnit.SECONDS)), "request " + t);
            }
            assertEquals(threads, service.stats().requests());
        } finally {
            callers.shutdownNow();
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aCancelledRequestEndsCancelledAndFreesTheQueue(String codec) throws Exception {
        aCancelledRequestEndsCancelled(subject(codec));
    }

    private static <A, R> void aCancelledRequestEndsCancelled(Subject<A, R> s) throws Exception {
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        GenerationOptions one =
                GenerationOptions.builder().parallel(1).threads(2).maxTokens(40).build();
        try (Service<A, R> service = s.gated(opened, gate).newService(one)) {
            Task<R> running = service.submit(service.request(1).build(), e -> {});
            assertTrue(opened.await(30, TimeUnit.SECONDS), "the first stream never opened");
            Task<R> waiting = service.submit(service.request(3).build(), e -> {});
            Task<R> dropped = service.submit(service.request(2).build(), e -> {});
            assertEquals(5, service.stats().queued());
            waiting.cancel();
            dropped.result().cancel(false); // cancelling the future cancels the task
            gate.countDown();
            assertEquals(1, running.result().get(60, TimeUnit.SECONDS).size());
            assertThrows(CancellationException.class, () -> waiting.result().get(60, TimeUnit.SECONDS));
            assertThrows(CancellationException.class, () -> dropped.result().get(60, TimeUnit.SECONDS));
            assertTrue(waiting.isDone() && dropped.isDone());
            assertEquals(0, service.stats().queued(), service.stats().toString());
            assertEquals(0, service.stats().errors(), "a cancellation is no error");
            assertEquals(
                    2,
                    service.submit(service.request(2).build(), e -> {})
                            .result()
                            .get(60, TimeUnit.SECONDS)
                            .size());
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void aFullQueueAnswersBusy(String codec) throws Exception {
        aFullQueueAnswersBusy(subject(codec));
    }

    private static <A, R> void aFullQueueAnswersBusy(Subject<A, R> s) throws Exception {
        CountDownLatch opened = new CountDownLatch(1);
        CountDownLatch gate = new CountDownLatch(1);
        GenerationOptions small = GenerationOptions.builder()
                .parallel(1)
                .threads(2)
                .maxTokens(40)
                .maxQueued(4)
                .build();
        try (Service<A, R> service = s.gated(opened, gate).newService(small)) {
            String noun = service.codec().noun();
            IllegalArgumentException tooMany = assertThrows(
                    IllegalArgumentException.class,
                    () -> service.submit(service.request(5).build(), e -> {}));
            assertTrue(tooMany.getMessage().contains("5 " + noun + "s"), tooMany.getMessage());
            Task<R> running = service.submit(service.request(1).build(), e -> {});
            assertTrue(opened.await(30, TimeUnit.SECONDS), "the first stream never opened");
            Task<R> waiting = service.submit(service.request(4).build(), e -> {});
            ServiceBusyException busy = assertThrows(
                    ServiceBusyException.class,
                    () -> service.submit(service.request(1).build(), e -> {}));
            assertTrue(busy.getMessage().contains("4 " + noun + "s are waiting"), busy.getMessage());
            gate.countDown();
            assertEquals(1, running.result().get(60, TimeUnit.SECONDS).size());
            assertEquals(4, waiting.result().get(60, TimeUnit.SECONDS).size());
            assertEquals(
                    1,
                    service.submit(service.request(1).build(), e -> {})
                            .result()
                            .get(60, TimeUnit.SECONDS)
                            .size());
        }
    }

    @ParameterizedTest
    @MethodSource("codecs")
    void scoresEqualTheGenerators(String codec) throws Exception {
        scoresEqualTheGenerators(subject(codec));
    }

    private static <A, R> void scoresEqualTheGenerators(Subject<A, R> s) throws Exception {
        List<Score> alone;
        try (Generator<A, R> g = s.model().newGenerator(OPTIONS)) {
            alone = g.score(s.artefacts());
        }
        try (Service<A, R> service = s.model().newService(OPTIONS)) {
            List<Score> served = service.score(s.artefacts()).get(60, TimeUnit.SECONDS);
            assertEquals(alone.size(), served.size());
            for (int i = 0; i < alone.size(); i++) {
                assertEquals(alone.get(i).bytes(), served.get(i).bytes());
                assertEquals(alone.get(i).tokens(), served.get(i).tokens());
                assertEquals(
                        alone.get(i).bits(),
                        served.get(i).bits(),
                        1e-3 * alone.get(i).bits());
            }
        }
    }

    static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** A codec as another, but each stream it opens waits at gate first (the scheduler held still), counted by opened. */
    record GatedCodec<A, R>(Codec<A, R> codec, CountDownLatch opened, CountDownLatch gate) implements Codec<A, R> {
        @Override
        public String name() {
            return codec.name();
        }

        @Override
        public String noun() {
            return codec.noun();
        }

        @Override
        public BpeTokenizer tokenizer() {
            return codec.tokenizer();
        }

        @Override
        public int units() {
            return codec.units();
        }

        @Override
        public String unitName() {
            return codec.unitName();
        }

        @Override
        public byte[] encode(A artefact) {
            return codec.encode(artefact);
        }

        @Override
        public byte[] prompt(int index, A artefact, int units) {
            return codec.prompt(index, artefact, units);
        }

        @Override
        public byte[] prefix(byte[] stream, int units) {
            return codec.prefix(stream, units);
        }

        @Override
        public int minPromptUnits() {
            return codec.minPromptUnits();
        }

        @Override
        public int maxPromptUnits() {
            return codec.maxPromptUnits();
        }

        @Override
        public StreamWriter newWriter(int vocabSize) {
            StreamWriter writer = codec.newWriter(vocabSize);
            return new StreamWriter() {
                @Override
                public StreamState open(byte[] promptBytes) {
                    opened.countDown();
                    try {
                        gate.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return writer.open(promptBytes);
                }

                @Override
                public boolean hasGrammar() {
                    return writer.hasGrammar();
                }
            };
        }

        @Override
        public R finish(Written written) {
            return codec.finish(written);
        }

        @Override
        public boolean finishesOffThread() {
            return codec.finishesOffThread();
        }

        @Override
        public ExecutorService newFinishers() {
            return codec.newFinishers();
        }
    }
}
