package org.jpeglm.soak;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.RunStats;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;

/**
 * {@link ImageGenerator#cancel()} from another thread at random moments of generate and complete requests: each must
 * throw {@link CancellationException} within one step, leave the generator usable for the next request, and leak
 * nothing (every generator closes, the model then closes, resident memory stays flat).
 *
 * <p>Latency is from the cancel() call to the request's exception. "Within one step" is checked as at most
 * {@link #STEPS} mean native steps of the same options (a step in progress ends, or is aborted, and the request
 * returns; on a loaded machine one step may take longer than the mean) plus {@link #SCHEDULING_NANOS} for the
 * operating system to run the two threads again.
 */
final class CancelPart {
    static final long SCHEDULING_NANOS = 50_000_000;
    static final int STEPS = 2;
    /** Cancels per generator: it is reused after each, then closed. */
    private static final int CANCELS_PER_GENERATOR = 10;
    /** The latest moment of a cancel after its request started. */
    private static final int MAX_DELAY_MS = 300;
    /** A complete request: the 8 prompts this many times (40 inputs, like a command line run with -np 8). */
    private static final int COMPLETE_REPEATS = 5;
    /** The large complete request measured apart: its inputs are all prepared before the first step. */
    private static final int LARGE_COMPLETE_REPEATS = 50;

    private CancelPart() {}

    static PartResult run(ImageModel model, SoakConfig c) throws Exception {
        PartResult r = new PartResult("Cancel from another thread: " + c.cancels() + " cancels");
        GenerationOptions options =
                GenerationOptions.builder().parallel(8).threads(0).seed(7).build();
        List<Long> latencies = new ArrayList<>();
        List<Long> generateLatencies = new ArrayList<>();
        List<Long> completeLatencies = new ArrayList<>();
        List<BufferedImage> prompts;
        long stepNanos;
        try (ImageGenerator g = model.newGenerator(options)) {
            prompts = g.generate(8).stream().map(GeneratedImage::image).toList();
            RunStats s = g.lastStats();
            stepNanos = s.stepNanos() / Math.max(1, s.steps());
        }
        long rssStart = Rss.selfKiB();
        // Allocator arenas and llama.cpp's buffers grow over the first few hundred cancels and then stay (600
        // cancels: +71 MiB, 1,200: +62 MiB): the first half is warm-up, the second half must be flat.
        long rssBefore = rssStart;
        int warmUp = c.cancels() / 2;
        Random random = new Random(12);
        ExecutorService requester = Executors.newSingleThreadExecutor();
        int late = 0;
        try {
            for (int done = 0; done < c.cancels(); ) {
                try (ImageGenerator g = model.newGenerator(options)) {
                    for (int i = 0; i < CANCELS_PER_GENERATOR && done < c.cancels(); i++, done++) {
                        if (done == warmUp) {
                            rssBefore = Rss.selfKiB();
                        }
                        boolean generate = done % 2 == 0;
                        long latency = cancelOnce(g, requester, random, generate ? null : prompts, r);
                        latencies.add(latency);
                        (generate ? generateLatencies : completeLatencies).add(latency);
                        late += latency > STEPS * stepNanos + SCHEDULING_NANOS ? 1 : 0;
                        r.check(g.generate(1).size() == 1, "the generator did not generate after cancel " + done);
                    }
                }
            }
        } finally {
            requester.shutdownNow();
        }
        long rssAfter = Rss.selfKiB();
        report(r, latencies, stepNanos, late, rssStart, rssBefore, rssAfter);
        largeComplete(model, options, prompts, r);
        if (!generateLatencies.isEmpty() && !completeLatencies.isEmpty()) {
            r.line("");
            r.line("Of which generate: " + Percentiles.of(generateLatencies) + "; complete: "
                    + Percentiles.of(completeLatencies) + ".");
        }
        return r;
    }

    /** Starts a request (generate, or complete of prompts), cancels it after a random delay, returns the latency. */
    private static long cancelOnce(
            ImageGenerator g, ExecutorService requester, Random random, List<BufferedImage> prompts, PartResult r)
            throws Exception {
        Future<Long> request = requester.submit(() -> {
            try {
                if (prompts == null) {
                    g.generate(10_000);
                } else {
                    g.complete(repeat(prompts, COMPLETE_REPEATS), 0.5);
                }
                return -1L;
            } catch (CancellationException e) {
                return System.nanoTime();
            }
        });
        // A quarter of the cancels come at once, before the request may even have started: "the next one" stops.
        int delay = random.nextInt(4) == 0 ? 0 : random.nextInt(MAX_DELAY_MS);
        Thread.sleep(delay);
        long cancelled = System.nanoTime();
        g.cancel();
        long ended = request.get(60, TimeUnit.SECONDS);
        r.check(ended > 0, "a request ended without CancellationException (delay " + delay + " ms)");
        return Math.max(0, ended - cancelled);
    }

    /**
     * Measured, not checked: complete prepares every input (JPEG encoding, tokenizing) before its first step and looks
     * at cancel() only then, so a cancel at once waits for the whole preparation (docs/soak.md).
     */
    private static void largeComplete(
            ImageModel model, GenerationOptions options, List<BufferedImage> prompts, PartResult r) throws Exception {
        List<Long> latencies = new ArrayList<>();
        List<BufferedImage> inputs = repeat(prompts, LARGE_COMPLETE_REPEATS);
        try (ImageGenerator g = model.newGenerator(options)) {
            for (int i = 0; i < 5; i++) {
                g.cancel(); // pending: stops the next request as soon as it looks
                long started = System.nanoTime();
                try {
                    g.complete(inputs, 0.5);
                    r.check(false, "a complete request with a pending cancel ran to its end");
                } catch (CancellationException e) {
                    latencies.add(System.nanoTime() - started);
                }
            }
        }
        r.line("");
        r.line("Not checked: a complete request of " + inputs.size() + " inputs with a cancel already pending ends "
                + "after " + Percentiles.of(latencies) + ": the time to prepare its inputs, which grows with them.");
    }

    private static List<BufferedImage> repeat(List<BufferedImage> images, int times) {
        List<BufferedImage> all = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            all.addAll(images);
        }
        return all;
    }

    private static void report(
            PartResult r,
            List<Long> latencies,
            long stepNanos,
            int late,
            long rssStart,
            long rssBefore,
            long rssAfter) {
        Percentiles p = Percentiles.of(latencies);
        r.line(
                "Requests: generate (10,000 images) and complete (40 images: 8 inputs × 5) alternately, 8 sequences, cancelled after a random 0..300 ms "
                        + "(a quarter at 0 ms); a generator is reused after each cancel (and must generate an image), then "
                        + "closed after " + CANCELS_PER_GENERATOR + ".");
        r.line("");
        r.line("Cancel latency (cancel() to CancellationException): " + p + "; one native step of 8 sequences takes "
                + Percentiles.ms(stepNanos) + " ms on average.");
        r.line(String.format(
                Locale.ROOT,
                "Latencies above %d steps + %d ms: %d of %d. RSS before the cancels %s MiB, after the first half (warm-up)"
                        + " %s MiB, at the end %s MiB.",
                STEPS,
                SCHEDULING_NANOS / 1_000_000,
                late,
                latencies.size(),
                Rss.mib(rssStart),
                Rss.mib(rssBefore),
                Rss.mib(rssAfter)));
        r.checkTime(
                late == 0,
                late + " cancels took longer than " + STEPS + " steps + " + SCHEDULING_NANOS / 1_000_000 + " ms");
        r.check(
                rssAfter <= rssBefore * SharedModelPart.GROWTH_FACTOR + SharedModelPart.GROWTH_SLACK_KIB,
                "resident memory grew over the second half of the cancels: " + Rss.mib(rssBefore) + " -> "
                        + Rss.mib(rssAfter) + " MiB");
    }
}
