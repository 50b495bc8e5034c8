package org.jpeglm.bench;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jpeglm.ThreadOptions;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.Previews;
import org.jpeglm.codec.Request;
import org.jpeglm.codec.Service;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.serve.ImageServer;
import org.jpeglm.serve.ServeOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jpeglm serve} against {@code generate} in one process, on the same model, in the same run: images/s of the
 * server under concurrent streaming clients (previews on) over images/s of one {@link ImageGenerator} with the same
 * number of sequences, alternated; the time from a request to its first preview; and the process' resident memory
 * after a first and a last batch of requests.
 */
@Command(
        name = "serve-bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "jpeglm serve vs generate in one process: images/s, time to first preview, memory.",
        footer = {"", "Example:", "  serve-bench -m models/fashion-mnist-32.gguf --images 256 --requests 2000"})
public final class ServeBench implements Callable<Integer> {
    /** Warm-up rounds running in which the JIT must compile for under 1 % of the round, and the most rounds. */
    private static final int QUIET_ROUNDS = 3;

    private static final int MAX_WARMUP = 60;

    @Option(names = "-m", description = "Jpeg-LM GGUF (default: ${DEFAULT-VALUE})")
    Path model = Path.of("models/fashion-mnist-32.gguf");

    @Option(names = "-np", description = "sequences, of the server and of generate (default: ${DEFAULT-VALUE})")
    int parallel = 16;

    @Option(names = "-t", description = "CPU threads, 0 every core (default: ${DEFAULT-VALUE})")
    int threads = 0;

    @Option(
            names = "--server-threads",
            description = "CPU threads of the server's engine, if not -t's (e.g. one core left to HTTP)")
    Integer serverThreads;

    @Option(
            names = "--server-poll",
            description =
                    "the server's engine's thread-pool polling, 0 to 100, if not the library's (generate keeps it)")
    Integer serverPoll;

    @Option(names = "--clients", description = "concurrent streaming clients (default: ${DEFAULT-VALUE})")
    int clients = 16;

    @Option(names = "--per-request", description = "images per client request (default: ${DEFAULT-VALUE})")
    int perRequest = 1;

    @Option(names = "--images", description = "images per throughput measurement (default: ${DEFAULT-VALUE})")
    int images = 256;

    @Option(
            names = "--warmup",
            description = "warm-up rounds of both paths (default: until the JIT compiles for under 1 % of a round's "
                    + "time in " + QUIET_ROUNDS + " rounds running, at most " + MAX_WARMUP + ")")
    Integer warmup;

    @Option(names = "--reps", description = "alternations of generate and server (default: ${DEFAULT-VALUE})")
    int reps = 2;

    @Option(
            names = "--preview-mcus",
            description = "previews at most every N MCUs, 0 none; default: the server's (one MCU row)")
    Integer previewMcus;

    @Option(
            names = "--variant",
            description = "JSON fields added to the clients' requests in a second server run of each rep, e.g. "
                    + "'\"preview_interval_ms\": 100' (an A/B in one process, against the same generate runs)")
    String variant;

    @Option(names = "--cpu", description = "print each run's CPU time per image by thread group")
    boolean showCpu;

    @Option(
            names = "--direct",
            description = "also time the clients' requests (their previews too) submitted to the model's Service "
                    + "directly, without HTTP")
    boolean direct;

    @Option(
            names = "--requests",
            description = "requests of the memory run, RSS read after 100 and after all "
                    + "(default: ${DEFAULT-VALUE}; 0: no memory run)")
    int requests = 2000;

    /** The server's engine's threads: -t's or --server-threads' count, and --server-poll's polling if given. */
    private ThreadOptions serverThreadOptions() {
        ThreadOptions t = ThreadOptions.of(serverThreads != null ? serverThreads : threads);
        return serverPoll == null ? t : new ThreadOptions(t.threads(), t.threadsBatch(), serverPoll, t.cpuMask());
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (ImageModel m = ImageModel.load(model)) {
            ServeOptions options = ServeOptions.builder()
                    .port(0)
                    .service(GenerationOptions.builder()
                            .parallel(parallel)
                            .threads(serverThreadOptions())
                            .build())
                    .build();
            System.out.printf(
                    Locale.ROOT,
                    "model %s, -np %d, -t %d (server: %d), %d clients x %d images a request, %d images a run%n",
                    model.getFileName(),
                    parallel,
                    threads,
                    serverThreads != null ? serverThreads : threads,
                    clients,
                    perRequest,
                    images);
            List<Double> generate = new ArrayList<>();
            List<Double> served = new ArrayList<>();
            List<Double> firstPreview = Collections.synchronizedList(new ArrayList<>());
            try (ImageServer server = ImageServer.start(m.codecModel(), options)) {
                URI base = server.uri("127.0.0.1");
                warmUp(m, base);
                List<Double> variants = new ArrayList<>();
                firstPreview.clear();
                for (int r = 0; r < reps; r++) {
                    if (r % 2 == 0) { // each side first in every other rep: a drift within a rep favours neither
                        generate.add(generate(m, images));
                        served.add(run(base, clients, images / perRequest, firstPreview, ""));
                    } else {
                        served.add(run(base, clients, images / perRequest, firstPreview, ""));
                        generate.add(generate(m, images));
                    }
                    if (variant != null) {
                        variants.add(run(base, clients, images / perRequest, new ArrayList<>(), ", " + variant));
                        System.out.printf(
                                Locale.ROOT,
                                "rep %d: server with %s %.2f images/s, ratio %.3f%n",
                                r + 1,
                                variant,
                                variants.getLast(),
                                variants.getLast() / generate.getLast());
                    }
                    System.out.printf(
                            Locale.ROOT,
                            "rep %d: generate %.2f images/s, server %.2f images/s, ratio %.3f%n",
                            r + 1,
                            generate.getLast(),
                            served.getLast(),
                            served.getLast() / generate.getLast());
                    if (direct) {
                        System.out.printf(
                                Locale.ROOT,
                                "rep %d: Service without HTTP %.2f images/s%n",
                                r + 1,
                                direct(m, options.service(), images / perRequest));
                    }
                }
                report(generate, served, firstPreview);
                if (variant != null) {
                    System.out.printf(
                            Locale.ROOT,
                            "with %s: median of the reps' ratios %.3f%n",
                            variant,
                            medianRatio(variants, generate));
                }
                if (requests > 100) {
                    memory(base);
                }
            }
        }
        return 0;
    }

    /**
     * Warm-up rounds of both paths, as many as asked or until the JIT compiles for under 1 % of a round's time in
     * {@link #QUIET_ROUNDS} rounds running (at most {@link #MAX_WARMUP}): a server runs for long, and its first minutes
     * of compiling are not its speed. One quiet round is not enough: C2 reaches the methods a request calls once only
     * after thousands of requests, in bursts (rounds of 0.4 % between rounds of 3–6 % after 10,000 requests).
     */
    private void warmUp(ImageModel m, URI base) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        int quiet = 0;
        for (int w = 1; ; w++) {
            long compiled = jit.getTotalCompilationTime();
            long t0 = System.nanoTime();
            run(base, clients, images / perRequest, new ArrayList<>(), "");
            generate(m, images / 2);
            double share = (jit.getTotalCompilationTime() - compiled) / ((System.nanoTime() - t0) / 1e6);
            System.out.printf(Locale.ROOT, "warm-up %d: the JIT compiled for %.1f %% of the round%n", w, 100 * share);
            quiet = share < 0.01 ? quiet + 1 : 0;
            boolean done = warmup != null ? w >= warmup : quiet >= QUIET_ROUNDS || w >= MAX_WARMUP;
            if (done) {
                return;
            }
        }
    }

    /** images/s of one generator with the server's sequences, as `jpeglm generate -np` runs it. */
    private double generate(ImageModel m, int count) {
        GenerationOptions o = GenerationOptions.builder()
                .parallel(parallel)
                .threads(threads)
                .seed(System.nanoTime())
                .build();
        try (ImageGenerator g = m.newGenerator(o)) {
            var cpu = ThreadCpu.snapshot();
            long t0 = System.nanoTime();
            int n = g.generate(count).size();
            double s = (System.nanoTime() - t0) / 1e9;
            cpu(cpu, "generate", n);
            return n / s;
        }
    }

    /** images/s of the server: clients streaming requests until requests ran; first previews are added. */
    private double run(URI base, int clients, int requests, List<Double> firstPreview, String extra) throws Exception {
        AtomicInteger left = new AtomicInteger(requests);
        AtomicInteger done = new AtomicInteger();
        var cpu = ThreadCpu.snapshot();
        long t0 = System.nanoTime();
        List<Thread> all = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        String body = "{\"n\": " + perRequest + ", \"stream\": true"
                + (previewMcus != null ? ", \"preview_mcus\": " + previewMcus : "") + extra + "}";
        for (int c = 0; c < clients; c++) {
            all.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                try (SseClient client = new SseClient(base)) {
                    while (left.getAndDecrement() > 0) {
                        long r0 = System.nanoTime();
                        SseClient.Answer a = client.post("v1/images/generations", body);
                        done.addAndGet(a.images());
                        if (a.firstPreviewNanos() != 0) {
                            firstPreview.add((a.firstPreviewNanos() - r0) / 1e9);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("a client failed", failures.getFirst());
        }
        double s = (System.nanoTime() - t0) / 1e9;
        cpu(cpu, "server", done.get());
        return done.get() / s;
    }

    /** images/s of the clients' requests submitted to a service of the server's options, without HTTP. */
    private double direct(ImageModel m, GenerationOptions o, int requests) throws Exception {
        try (Service<BufferedImage, GeneratedImage> service = m.newService(o);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicInteger left = new AtomicInteger(requests);
            AtomicInteger done = new AtomicInteger();
            Previews previews = directPreviews(m);
            var cpu = ThreadCpu.snapshot();
            long t0 = System.nanoTime();
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                all.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        Request<BufferedImage> request = service.request(perRequest)
                                .seed(System.nanoTime())
                                .previews(previews)
                                .build();
                        done.addAndGet(
                                service.submit(request, e -> {}).result().get().size());
                    }
                    return null;
                }));
            }
            for (Future<?> f : all) {
                f.get();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            cpu(cpu, "direct", done.get());
            return done.get() / s;
        }
    }

    /**
     * The previews the clients' streams get from the server: --preview-mcus', else the server's default (each MCU
     * row, at most every {@link ServeOptions#DEFAULT_PREVIEW_INTERVAL}), so that the direct run makes the same
     * previews.
     */
    private Previews directPreviews(ImageModel m) {
        JpegProfile p = m.spec().profile();
        int every = previewMcus != null ? previewMcus : p.mcuCount(p.width(), 1);
        return every == 0 ? Previews.NONE : Previews.every(every, ServeOptions.DEFAULT_PREVIEW_INTERVAL);
    }

    private static void report(List<Double> generate, List<Double> served, List<Double> firstPreview) {
        double g = median(generate);
        double s = median(served);
        List<Double> tfp = new ArrayList<>(firstPreview);
        Collections.sort(tfp);
        System.out.printf(
                Locale.ROOT,
                "generate %.2f images/s, server %.2f images/s (medians); server / generate: median of the reps' "
                        + "ratios %.3f (each rep's pair ran back to back; the machine's speed drifts between reps)%n",
                g,
                s,
                medianRatio(served, generate));
        List<Double> ratios = ratios(served, generate);
        Collections.sort(ratios);
        System.out.printf(
                Locale.ROOT,
                "the reps' ratios: quartiles %.3f, %.3f, %.3f; mean %.3f (%d reps, each side first in every other)%n",
                percentile(ratios, 0.25),
                median(ratios),
                percentile(ratios, 0.75),
                ratios.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN),
                ratios.size());
        System.out.printf(
                Locale.ROOT,
                "first preview: p50 %.0f ms, p95 %.0f ms (%d requests)%n",
                1000 * percentile(tfp, 0.50),
                1000 * percentile(tfp, 0.95),
                tfp.size());
    }

    /** Resident memory after the first 100 requests and after all of them (one image each, streamed). */
    private void memory(URI base) throws Exception {
        int saved = perRequest;
        perRequest = 1;
        try {
            List<Double> ignore = Collections.synchronizedList(new ArrayList<>());
            run(base, clients, 100, ignore, "");
            long rss100 = rssKib();
            memoryLine(100, rss100);
            String nmt100 = nativeMemory();
            for (int done = 100; done < requests; ) {
                int next = Math.min(requests, done + 500);
                run(base, clients, next - done, ignore, "");
                done = next;
                memoryLine(done, rss100);
            }
            if (!nmt100.isEmpty()) {
                System.out.println("native memory tracking after 100 requests:\n" + nmt100);
                System.out.println("native memory tracking after " + requests + " requests:\n" + nativeMemory());
            }
        } finally {
            perRequest = saved;
        }
    }

    /** Resident memory now and since the first 100 requests, the heap G1 holds, and what is live in it. */
    private static void memoryLine(int done, long rss100) throws IOException {
        long rss = rssKib();
        double committed = Runtime.getRuntime().totalMemory() / 1048576.0;
        System.out.printf(
                Locale.ROOT,
                "resident memory after %d requests: %.1f MiB (%+.1f MiB since 100); Java heap committed %.1f MiB, "
                        + "in use after a full GC %.1f MiB%n",
                done,
                rss / 1024.0,
                (rss - rss100) / 1024.0,
                committed,
                heapAfterGcMib());
    }

    /** The JVM's native memory summary (committed per category) when -XX:NativeMemoryTracking is on, else "". */
    private static String nativeMemory() {
        try {
            Object out = java.lang.management.ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "vmNativeMemory",
                            new Object[] {new String[] {"summary", "scale=MB"}},
                            new String[] {String[].class.getName()});
            String text = String.valueOf(out);
            return text.contains("not enabled") ? "" : text;
        } catch (Exception e) {
            return "";
        }
    }

    /** The heap's live objects, after asking for a full collection: what grows if something leaks. */
    private static double heapAfterGcMib() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1048576.0;
    }

    private static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }

    /** With --cpu, where the CPU of a run went since before, per image, by thread group. */
    private void cpu(Map<String, ThreadCpu.Use> before, String what, int images) {
        if (showCpu) {
            System.out.println("  " + what + ", per image: " + ThreadCpu.describe(ThreadCpu.since(before), images));
        }
    }

    /** The median over reps of served / generate, each rep's pair measured back to back. */
    private static double medianRatio(List<Double> served, List<Double> generate) {
        return median(ratios(served, generate));
    }

    /** Each rep's served / generate. */
    private static List<Double> ratios(List<Double> served, List<Double> generate) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < served.size(); i++) {
            ratios.add(served.get(i) / generate.get(i));
        }
        return ratios;
    }

    /** The middle value, or the mean of the two middle ones. */
    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
