package org.jpeglm.soak;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;

/**
 * Many threads generating on one shared model, each through its own generators (closed and made anew every
 * {@link SoakConfig#imagesPerGenerator()} images), with the process's resident memory sampled as the images come.
 *
 * <p>Flat after warm-up means: the first 10 % of the images are warm-up (JIT, malloc arenas, llama.cpp's buffers);
 * of the rest, the largest sample of the last quarter is at most the largest of the first quarter × 1.05 + 8 MiB.
 */
final class SharedModelPart {
    static final double WARM_UP_SHARE = 0.10;
    static final double GROWTH_FACTOR = 1.05;
    static final long GROWTH_SLACK_KIB = 8 * 1024;

    /** One resident-memory sample: after images images, rssKiB resident, seconds into the run. */
    record Sample(long images, long rssKiB, double seconds) {}

    private SharedModelPart() {}

    static PartResult run(ImageModel model, SoakConfig c) throws Exception {
        PartResult r = new PartResult("Shared model: " + c.threads() + " threads × " + c.imagesPerThread() + " images");
        List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
        AtomicLong done = new AtomicLong();
        AtomicLong clean = new AtomicLong();
        long start = System.nanoTime();
        samples.add(new Sample(0, Rss.selfKiB(), 0));
        ExecutorService pool = Executors.newFixedThreadPool(c.threads());
        List<Future<Integer>> workers = new ArrayList<>();
        for (int t = 0; t < c.threads(); t++) {
            int thread = t;
            workers.add(pool.submit(() -> worker(model, c, thread, img -> {
                long n = done.incrementAndGet();
                if (img) {
                    clean.incrementAndGet();
                }
                if (n % c.sampleEvery() == 0) {
                    samples.add(new Sample(n, Rss.selfKiB(), (System.nanoTime() - start) / 1e9));
                }
            })));
        }
        long made = 0;
        try {
            for (Future<Integer> w : workers) {
                made += w.get();
            }
        } finally {
            pool.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Sample> sorted = samples.stream()
                .sorted(java.util.Comparator.comparingLong(Sample::images))
                .toList();
        r.line(String.format(
                Locale.ROOT,
                "%,d images in %.0f s (%.1f images/s), %,d clean (%.1f %%); a new generator every %d images of a thread.",
                made,
                seconds,
                made / seconds,
                clean.get(),
                100.0 * clean.get() / Math.max(1, made),
                c.imagesPerGenerator()));
        r.check(made == c.totalImages(), "made " + made + " images, expected " + c.totalImages());
        curve(r, sorted);
        flatness(r, sorted, c.totalImages());
        return r;
    }

    /** One thread's share: generators of imagesPerGenerator images until imagesPerThread are made. */
    private static int worker(ImageModel model, SoakConfig c, int thread, java.util.function.Consumer<Boolean> each) {
        int made = 0;
        while (made < c.imagesPerThread()) {
            int n = Math.min(c.imagesPerGenerator(), c.imagesPerThread() - made);
            GenerationOptions options = GenerationOptions.builder()
                    .parallel(8)
                    .threads(1)
                    .seed(1_000_000L * thread + made)
                    .build();
            try (ImageGenerator g = model.newGenerator(options)) {
                made += g.generate(n, img -> each.accept(img.clean())).size();
            }
        }
        return made;
    }

    private static void curve(PartResult r, List<Sample> samples) {
        r.line("");
        r.line("| images | seconds | RSS (MiB) |");
        r.line("|---:|---:|---:|");
        for (Sample s : samples) {
            r.line(String.format(Locale.ROOT, "| %,d | %.0f | %s |", s.images(), s.seconds(), Rss.mib(s.rssKiB())));
        }
        r.line("");
    }

    /** Checks the criterion in the class comment, and states the numbers it compared. */
    static void flatness(PartResult r, List<Sample> samples, long total) {
        long warm = (long) Math.ceil(total * WARM_UP_SHARE);
        long quarter = (total - warm) / 4;
        long firstMax = max(samples, warm, warm + quarter);
        long lastMax = max(samples, total - quarter, total);
        r.check(firstMax > 0 && lastMax > 0, "too few samples for the flatness check: sample more often");
        long bound = (long) (firstMax * GROWTH_FACTOR) + GROWTH_SLACK_KIB;
        r.line(String.format(
                Locale.ROOT,
                "Flatness: warm-up = the first %,d images; largest RSS in the first quarter after it (images %,d..%,d)"
                        + " %s MiB, in the last quarter (images %,d..%,d) %s MiB; bound %s MiB (× %.2f + %d MiB).",
                warm,
                warm,
                warm + quarter,
                Rss.mib(firstMax),
                total - quarter,
                total,
                Rss.mib(lastMax),
                Rss.mib(bound),
                GROWTH_FACTOR,
                GROWTH_SLACK_KIB / 1024));
        r.check(
                lastMax <= bound,
                "resident memory grew: last quarter's max " + Rss.mib(lastMax) + " MiB > " + Rss.mib(bound) + " MiB");
    }

    /** Largest sample with images in (from, to]; 0 when none. */
    private static long max(List<Sample> samples, long from, long to) {
        return samples.stream()
                .filter(s -> s.images() > from && s.images() <= to)
                .mapToLong(Sample::rssKiB)
                .max()
                .orElse(0);
    }
}
