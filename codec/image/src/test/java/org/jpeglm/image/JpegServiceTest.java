package org.jpeglm.image;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jpeglm.SamplingParams;
import org.jpeglm.codec.Cut;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Listener;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.Request;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.Service;
import org.jpeglm.codec.ServiceBusyException;
import org.jpeglm.codec.ServiceStats;
import org.jpeglm.codec.Task;
import org.jpeglm.engine.BatchEngine;
import org.jpeglm.gguf.GgmlType;
import org.jpeglm.testing.LlamaConfig;
import org.jpeglm.testing.RandomLlama;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyLlamaGguf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The codec-neutral {@link Service} over the jpeg codec ({@link ImageModel#newService}), on the tiny gray model:
 * events, seeds, concurrency, cancelling, closing, a full queue and scores.
 */
class JpegServiceTest {
    static Path dir;
    static ImageModel model;

    /**
     * The tiny gray profile and tokenizer on a wider random model (dim 256) than TinyJpegLm's: its float sums are long
     * enough for a change of llama.cpp kernel to round differently and flip sampled tokens, which the tiny model's
     * are not, so byte comparisons here can fail.
     */
    @BeforeAll
    static void writeModel() throws IOException {
        dir = Files.createTempDirectory("jpeglm-service-test");
        Path path = dir.resolve("wide.gguf");
        var spec = TinyJpegLm.spec();
        var config = new LlamaConfig(spec.tokenizer().vocabSize(), 256, 2, 4, 2, 512, 256, 10000f, 1e-5f, false);
        TinyLlamaGguf.writer(RandomLlama.create(config, 9), GgmlType.F32)
                .putAll(spec.toGguf())
                .write(path);
        model = ImageModel.load(path);
    }

    @AfterAll
    static void close() throws IOException {
        model.close();
        Files.delete(dir.resolve("wide.gguf"));
        Files.delete(dir);
    }

    static GenerationOptions service(int parallel) {
        return GenerationOptions.builder().parallel(parallel).threads(2).build();
    }

    /** A deterministic service: its images do not depend on what shares the batch. */
    static GenerationOptions deterministic(int parallel) {
        return GenerationOptions.builder()
                .parallel(parallel)
                .threads(2)
                .deterministic(true)
                .build();
    }

    /** Listens to nothing. */
    static final Listener<GeneratedImage> IGNORING = event -> {};

    static Request.Builder<BufferedImage> request(int count, long seed) {
        return Request.<BufferedImage>generate(count, GenerationOptions.defaults())
                .seed(seed)
                .sampling(SamplingParams.builder().temperature(1.0f).topK(40).build());
    }

    /** The same request through an ImageGenerator, alone, with parallel sequences (not deterministic). */
    static List<GeneratedImage> generated(Request<BufferedImage> r, int parallel) {
        return generated(model, r, parallel, false);
    }

    /** The same request through a deterministic ImageGenerator, alone, with parallel sequences. */
    static List<GeneratedImage> deterministicGenerated(Request<BufferedImage> r, int parallel) {
        return generated(model, r, parallel, true);
    }

    static List<GeneratedImage> generated(
            ImageModel model, Request<BufferedImage> r, int parallel, boolean deterministic) {
        var options = GenerationOptions.builder()
                .deterministic(deterministic)
                .parallel(parallel)
                .threads(2)
                .seed(r.seed())
                .sampling(r.sampling())
                .constrained(r.constrained())
                .maxTokens(r.maxTokens())
                .build();
        try (ImageGenerator g = model.newGenerator(options)) {
            return r.isCompletion() ? g.generator().complete(r.prompts(), r.cut()) : g.generate(r.count());
        }
    }

    static void assertSameImages(List<GeneratedImage> expected, List<GeneratedImage> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(i, actual.get(i).index());
            assertArrayEquals(expected.get(i).stream(), actual.get(i).stream(), "image " + i);
        }
    }

    /** Records every event, from any thread. */
    static final class Recorder implements Listener<GeneratedImage> {
        final List<Event<GeneratedImage>> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onEvent(Event<GeneratedImage> event) {
            events.add(event);
        }

        List<Event<GeneratedImage>> of(int index) {
            synchronized (events) {
                return events.stream().filter(e -> e.index() == index).toList();
            }
        }
    }

    @Test
    void aRequestRunAloneGivesTheGeneratorsBytesAndItsEventsInOrder() throws Exception {
        Request<BufferedImage> r = request(6, 21).build();
        Recorder rec = new Recorder();
        List<GeneratedImage> images;
        try (Service<BufferedImage, GeneratedImage> s = model.newService(service(3))) {
            images = s.submit(r, rec).result().get(60, TimeUnit.SECONDS);
            assertEquals(6, s.stats().done());
            assertEquals(
                    images.stream().mapToLong(GeneratedImage::tokens).sum(),
                    s.stats().tokensGenerated());
            assertEquals(1, s.stats().requests());
        }
        assertSameImages(generated(r, 3), images);
        for (GeneratedImage image : images) {
            assertTrue(image.clean(), image.toString());
            List<Event<GeneratedImage>> events = rec.of(image.index());
            assertEquals(new Event.Finished<>(image.index(), image), events.getLast(), "the last event is the image");
            List<Event.Progress<GeneratedImage>> progress = events.stream()
                    .filter(e -> e instanceof Event.Progress<GeneratedImage>)
                    .map(e -> (Event.Progress<GeneratedImage>) e)
                    .toList();
            assertEquals(events.size() - 1, progress.size(), "no previews were asked for");
            assertEquals(new Event.Progress<GeneratedImage>(image.index(), 0, 0, 4), progress.getFirst());
            for (int k = 1; k < progress.size(); k++) {
                assertTrue(progress.get(k).units() > progress.get(k - 1).units(), progress.toString());
                assertTrue(progress.get(k).tokens() >= progress.get(k - 1).tokens(), progress.toString());
            }
            assertEquals(4, progress.getLast().units(), "MCU counts rise to the total");
            assertTrue(progress.getLast().tokens() <= image.tokens());
        }
    }

    /**
     * The deterministic seed guarantee across parallel counts (see Service): each evaluation is shaped the same.
     */
    @Test
    void deterministicASeedGivesTheSameBytesWhateverTheParallelCount() {
        Request<BufferedImage> r = request(4, 33).build();
        List<GeneratedImage> one = deterministicGenerated(r, 1);
        for (int parallel = 2; parallel <= 4; parallel++) {
            assertSameImages(one, deterministicGenerated(r, parallel));
        }
        Request<BufferedImage> free =
                request(3, 34).constrained(false).maxTokens(120).build();
        assertSameImages(deterministicGenerated(free, 1), deterministicGenerated(free, 3));
    }

    /**
     * The default seed guarantee: the same request with the same parallel count gives the same bytes on every run,
     * including the tail of the run where one image steps alone (6 images on 4 sequences).
     */
    @Test
    void byDefaultASeedGivesTheSameBytesWithTheSameParallelCount() {
        Request<BufferedImage> r = request(6, 35).build();
        assertSameImages(generated(r, 4), generated(r, 4));
        Request<BufferedImage> free =
                request(3, 36).constrained(false).maxTokens(120).build();
        assertSameImages(generated(free, 1), generated(free, 1));
    }

    /** Only deterministic sessions pay for a lone sequence's neighbour: one sequence more for one image at a time. */
    @Test
    void onlyADeterministicSessionHasASpareSequence() {
        int context = BatchEngine.contextLength(model.model());
        var one = GenerationOptions.builder().parallel(1).threads(1);
        try (var plain = BatchEngine.newSession(model.model(), one.build(), context);
                var det = BatchEngine.newSession(
                        model.model(), one.deterministic(true).build(), context);
                var wide = BatchEngine.newSession(model.model(), deterministic(3), context)) {
            assertEquals(1, plain.sequences());
            assertEquals(2, det.sequences());
            assertEquals(3, wide.sequences(), "three sequences are their own neighbours");
        }
    }

    /** Requests arriving while others run, constrained and free mixed, give their alone-run bytes. */
    @Test
    void requestsSharingTheBatchGiveTheirAloneBytes() throws Exception {
        List<Request<BufferedImage>> requests = new ArrayList<>();
        List<Task<GeneratedImage>> tasks = new ArrayList<>();
        try (Service<BufferedImage, GeneratedImage> s = model.newService(deterministic(5))) {
            for (int k = 0; k < 6; k++) {
                Request<BufferedImage> r = request(1 + k % 3, 200 + k)
                        .constrained(k % 2 == 0)
                        .maxTokens(150)
                        .build();
                requests.add(r);
                tasks.add(s.submit(r, IGNORING));
                Thread.sleep(5 * k); // arrivals spread over the first steps
            }
            for (int k = 0; k < requests.size(); k++) {
                assertSameImages(
                        deterministicGenerated(requests.get(k), 2),
                        tasks.get(k).result().get(120, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aRequestSubmittedWhileAnotherRunsJoinsAtTheNextStep() throws Exception {
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch firstEvent = new CountDownLatch(1);
        CountDownLatch submitted = new CountDownLatch(1);
        try (Service<BufferedImage, GeneratedImage> s = model.newService(service(4))) {
            Task<GeneratedImage> a = s.submit(request(2, 1).build(), e -> {
                order.add("a" + e.getClass().getSimpleName());
                if (order.size() == 1) {
                    firstEvent.countDown();
                    await(submitted); // the scheduler waits here until b is submitted
                }
            });
            assertTrue(firstEvent.await(30, TimeUnit.SECONDS));
            Task<GeneratedImage> b = s.submit(
                    request(1, 2).build(), e -> order.add("b" + e.getClass().getSimpleName()));
            submitted.countDown();
            b.result().get(60, TimeUnit.SECONDS);
            a.result().get(60, TimeUnit.SECONDS);
        }
        // a's two images are admitted together (two events), then b's image starts before a steps again.
        assertEquals(List.of("aProgress", "aProgress", "bProgress"), order.subList(0, 3), order.toString());
    }

    static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void cancellingOneOfFourConcurrentRequestsLeavesTheOthersWhole() throws Exception {
        List<Request<BufferedImage>> requests = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            requests.add(request(3, 100 + k).build());
        }
        List<Task<GeneratedImage>> tasks = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        try (Service<BufferedImage, GeneratedImage> s = model.newService(deterministic(4))) {
            for (int k = 0; k < 4; k++) {
                Listener<GeneratedImage> listener = k == 2 ? e -> started.countDown() : IGNORING;
                tasks.add(s.submit(requests.get(k), listener));
            }
            assertTrue(started.await(30, TimeUnit.SECONDS));
            tasks.get(2).cancel();
            assertThrows(
                    CancellationException.class, () -> tasks.get(2).result().get(60, TimeUnit.SECONDS));
            for (int k : new int[] {0, 1, 3}) {
                List<GeneratedImage> images = tasks.get(k).result().get(60, TimeUnit.SECONDS);
                assertEquals(3, images.size());
                for (GeneratedImage image : images) {
                    assertTrue(image.clean(), image.toString());
                    assertEquals(GeneratedImage.StopReason.EOI, image.stop());
                }
                assertSameImages(deterministicGenerated(requests.get(k), 4), images);
            }
            assertTrue(tasks.get(2).isDone());
            ServiceStats st = s.stats();
            assertEquals(0, st.queued());
            assertEquals(0, st.activeSequences());
            assertEquals(0, st.kvCellsInUse());
            assertEquals(0, st.errors(), "a cancellation is no error");
        }
    }

    @Test
    void aListenerThatThrowsCancelsItsOwnRequestOnly() throws Exception {
        Request<BufferedImage> other = request(3, 5).build();
        try (Service<BufferedImage, GeneratedImage> s = model.newService(deterministic(4))) {
            Task<GeneratedImage> bad = s.submit(request(3, 6).build(), e -> {
                throw new IllegalStateException("client gone");
            });
            Task<GeneratedImage> good = s.submit(other, IGNORING);
            CancellationException c =
                    assertThrows(CancellationException.class, () -> bad.result().get(60, TimeUnit.SECONDS));
            assertTrue(causes(c).anyMatch(t -> "client gone".equals(t.getMessage())), c.toString());
            List<GeneratedImage> images = good.result().get(60, TimeUnit.SECONDS);
            images.forEach(image -> assertTrue(image.clean(), image.toString()));
            assertSameImages(deterministicGenerated(other, 4), images);
            assertEquals(0, s.stats().errors());
        }
    }

    static java.util.stream.Stream<Throwable> causes(Throwable t) {
        return java.util.stream.Stream.iterate(t, java.util.Objects::nonNull, Throwable::getCause);
    }

    @Test
    void closeCancelsRunningAndWaitingTasksAndRefusesNewOnes() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Service<BufferedImage, GeneratedImage> s = model.newService(service(2));
        Task<GeneratedImage> a =
                s.submit(request(2, 1).constrained(false).maxTokens(200).build(), e -> running.countDown());
        Task<GeneratedImage> b = s.submit(request(4, 2).build(), IGNORING);
        assertTrue(running.await(30, TimeUnit.SECONDS));
        s.close();
        for (Task<GeneratedImage> t : List.of(a, b)) {
            assertTrue(t.isDone());
            assertThrows(CancellationException.class, () -> t.result().join());
        }
        assertThrows(IllegalStateException.class, () -> s.submit(request(1, 1).build(), IGNORING));
        s.close(); // twice does nothing
    }

    @Test
    void cancellingTheFutureCancelsTheTask() throws Exception {
        try (Service<BufferedImage, GeneratedImage> s = model.newService(service(2))) {
            CountDownLatch running = new CountDownLatch(1);
            Task<GeneratedImage> t = s.submit(request(8, 3).build(), e -> running.countDown());
            assertTrue(running.await(30, TimeUnit.SECONDS));
            assertTrue(t.result().cancel(true));
            Task<GeneratedImage> next = s.submit(request(1, 4).build(), IGNORING);
            assertEquals(1, next.result().get(60, TimeUnit.SECONDS).size());
            assertEquals(0, s.stats().queued(), "the cancelled request's images are gone from the queue");
        }
    }

    @Test
    void aFullQueueAnswersBusyAndAnImpossibleRequestIsRefusedByName() throws Exception {
        var options =
                GenerationOptions.builder().parallel(1).threads(2).maxQueued(4).build();
        CountDownLatch release = new CountDownLatch(1);
        try (Service<BufferedImage, GeneratedImage> s = model.newService(options)) {
            IllegalArgumentException tooMany = assertThrows(
                    IllegalArgumentException.class, () -> s.submit(request(5, 1).build(), IGNORING));
            assertTrue(tooMany.getMessage().contains("5 images"), tooMany.getMessage());
            CountDownLatch admitted = new CountDownLatch(1);
            Task<GeneratedImage> blocker = s.submit(request(1, 1).build(), e -> {
                admitted.countDown();
                await(release);
            });
            assertTrue(admitted.await(30, TimeUnit.SECONDS));
            Task<GeneratedImage> waiting = s.submit(request(4, 2).build(), IGNORING);
            assertThrows(
                    ServiceBusyException.class, () -> s.submit(request(1, 3).build(), IGNORING));
            release.countDown();
            blocker.result().get(60, TimeUnit.SECONDS);
            waiting.result().get(60, TimeUnit.SECONDS);
            assertEquals(
                    1,
                    s.submit(request(1, 3).build(), IGNORING)
                            .result()
                            .get(60, TimeUnit.SECONDS)
                            .size());
        }
    }

    /** Scores through the service's own session equal the generator's, even while images are being written. */
    @Test
    void scoresJoinTheBatchAndEqualTheGenerators() throws Exception {
        List<BufferedImage> pictures = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            pictures.add(TinyJpegLm.picture(40 + k));
        }
        List<Score> expected;
        try (ImageGenerator g = model.newGenerator(
                GenerationOptions.builder().parallel(2).threads(2).build())) {
            expected = g.score(pictures);
        }
        Request<BufferedImage> r = request(4, 77).build();
        try (Service<BufferedImage, GeneratedImage> s = model.newService(deterministic(3))) {
            assertSameScores(expected, s.score(pictures).get(60, TimeUnit.SECONDS));
            CountDownLatch running = new CountDownLatch(1);
            Task<GeneratedImage> task = s.submit(r, e -> running.countDown());
            assertTrue(running.await(30, TimeUnit.SECONDS));
            assertSameScores(expected, s.score(pictures).get(60, TimeUnit.SECONDS)); // on the free sequence, 5 rounds
            assertSameImages(deterministicGenerated(r, 3), task.result().get(60, TimeUnit.SECONDS));
            assertEquals(List.of(), s.score(List.of()).get(), "nothing to score");
        }
    }

    static void assertSameScores(List<Score> expected, List<Score> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            Score e = expected.get(i);
            Score a = actual.get(i);
            assertEquals(e.tokens(), a.tokens(), "image " + i);
            assertEquals(e.bytes(), a.bytes(), "image " + i);
            assertEquals(e.bits(), a.bits(), 1e-4 * e.bits(), "image " + i); // float sums of other batch shapes
        }
    }

    @Test
    void scoringAfterCloseIsRefusedAndPendingScoresAreCancelled() throws Exception {
        Service<BufferedImage, GeneratedImage> s = model.newService(service(1));
        CountDownLatch admitted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        s.submit(request(1, 1).build(), e -> {
            admitted.countDown();
            await(release);
        });
        assertTrue(admitted.await(30, TimeUnit.SECONDS));
        var picture = List.of(TinyJpegLm.picture(1));
        var pending = s.score(picture); // the only sequence is busy: it waits
        Thread closer = Thread.ofPlatform().start(s::close);
        IllegalStateException refused = null;
        while (refused == null) { // until close() has begun: then the scheduler may go on
            try {
                s.score(picture);
                Thread.sleep(5);
            } catch (IllegalStateException e) {
                refused = e;
            }
        }
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
        release.countDown();
        closer.join(60_000);
        assertTrue(pending.isDone());
        assertThrows(CancellationException.class, pending::join);
    }

    @Test
    void requestsValidateTheirFields() {
        GenerationOptions d = GenerationOptions.defaults();
        assertThrows(
                IllegalArgumentException.class, () -> Request.generate(0, d).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> Request.generate(1, d).maxTokens(-1).build());
        assertThrows(IllegalArgumentException.class, () -> Request.complete(List.of(), Cut.share(0.5), d));
        var ratio = assertThrows(IllegalArgumentException.class, () -> Cut.share(1.5));
        assertEquals("ratio must be in [0, 1], got 1.5", ratio.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> new Request<>(1, 0, d.sampling(), true, 0, List.of(TinyJpegLm.picture(1)), null, Previews.NONE));
        assertThrows(IllegalArgumentException.class, () -> Previews.every(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Previews(1, -1));
        assertThrows(
                IllegalArgumentException.class,
                () -> GenerationOptions.builder().parallel(0).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> GenerationOptions.builder().maxQueued(0).build());
    }
}
