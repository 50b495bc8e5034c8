package org.jpeglm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jpeglm.image.GeneratorOptions;
import org.jpeglm.image.ImageGenerator;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ImageRequest;
import org.jpeglm.image.ImageService;
import org.jpeglm.image.ServiceOptions;
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
    @Option(names = "-m", description = "Jpeg-LM GGUF (default: ${DEFAULT-VALUE})")
    Path model = Path.of("models/fashion-mnist-32.gguf");

    @Option(names = "-np", description = "sequences, of the server and of generate (default: ${DEFAULT-VALUE})")
    int parallel = 16;

    @Option(names = "-t", description = "CPU threads, 0 every core (default: ${DEFAULT-VALUE})")
    int threads = 0;

    @Option(names = "--clients", description = "concurrent streaming clients (default: ${DEFAULT-VALUE})")
    int clients = 16;

    @Option(names = "--per-request", description = "images per client request (default: ${DEFAULT-VALUE})")
    int perRequest = 1;

    @Option(names = "--images", description = "images per throughput measurement (default: ${DEFAULT-VALUE})")
    int images = 256;

    @Option(names = "--warmup", description = "warm-up rounds of both paths (default: ${DEFAULT-VALUE})")
    int warmup = 3;

    @Option(names = "--reps", description = "alternations of generate and server (default: ${DEFAULT-VALUE})")
    int reps = 2;

    @Option(
            names = "--preview-mcus",
            description = "previews at most every N MCUs, 0 none; default: the server's (one MCU row)")
    Integer previewMcus;

    @Option(
            names = "--direct",
            description = "also time the clients' requests submitted to an ImageService directly, without HTTP")
    boolean direct;

    @Option(
            names = "--requests",
            description = "requests of the memory run, RSS read after 100 and after all "
                    + "(default: ${DEFAULT-VALUE}; 0: no memory run)")
    int requests = 2000;

    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (Boolean.getBoolean("sweep")) SchedSweep.start();
        if (Boolean.getBoolean("exp.engineOther")) ImageService.exp(0);
        try (ImageModel m = ImageModel.load(model)) {
            ServeOptions options = ServeOptions.builder()
                    .port(0)
                    .service(ServiceOptions.builder()
                            .parallel(parallel)
                            .threads(threads)
                            .build())
                    .build();
            System.out.printf(
                    Locale.ROOT,
                    "model %s, -np %d, %d clients x %d images a request, %d images a run%n",
                    model.getFileName(),
                    parallel,
                    clients,
                    perRequest,
                    images);
            List<Double> generate = new ArrayList<>();
            List<Double> served = new ArrayList<>();
            List<Double> firstPreview = Collections.synchronizedList(new ArrayList<>());
            try (ImageServer server = ImageServer.start(m, options)) {
                java.util.IntSummaryStatistics occupancy0 = null;
                var occupancy = new java.util.concurrent.ConcurrentLinkedQueue<Integer>() {
                    @Override
                    public String toString() {
                        return String.format(
                                Locale.ROOT,
                                "mean %.2f of %d samples",
                                stream().mapToInt(Integer::intValue).average().orElse(0),
                                size());
                    }
                };
                URI base = server.uri("127.0.0.1");
                for (int w = 0; w < warmup; w++) { // until the JIT is done with both paths: a server runs for long
                    run(base, clients, images / perRequest, firstPreview);
                    generate(m, images / 2);
                }
                firstPreview.clear();
                for (int r = 0; r < reps; r++) {
                    generate.add(generate(m, images));
                    occupancy.clear();
                    Thread sampler = Thread.ofPlatform().daemon().start(() -> {
                        while (!Thread.currentThread().isInterrupted()) {
                            occupancy.add(server.stats().activeSequences());
                            try {
                                Thread.sleep(5);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    });
                    String c0 = server.clockDebug();
                    served.add(run(base, clients, images / perRequest, firstPreview));
                    String c1 = server.clockDebug();
                    long[] a = java.util.Arrays.stream(c0.split(" "))
                            .mapToLong(Long::parseLong)
                            .toArray();
                    long[] b = java.util.Arrays.stream(c1.split(" "))
                            .mapToLong(Long::parseLong)
                            .toArray();
                    double n = b[0] - a[0];
                    System.out.printf(
                            Locale.ROOT,
                            "  server phases per image: tokens %.1f steps %.2f total %.2f ms step %.2f prompt %.2f mask %.2f accept %.2f finish %.2f%n",
                            (b[1] - a[1]) / n,
                            (b[2] - a[2]) / n,
                            (b[3] - a[3]) / 1e6 / n,
                            (b[4] - a[4]) / 1e6 / n,
                            (b[5] - a[5]) / 1e6 / n,
                            (b[6] - a[6]) / 1e6 / n,
                            (b[7] - a[7]) / 1e6 / n,
                            (b[8] - a[8]) / 1e6 / n);
                    sampler.interrupt();
                    System.out.println("  occupancy " + occupancy);
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
                                "rep %d: ImageService without HTTP %.2f images/s%n",
                                r + 1,
                                direct(m, options.service(), images / perRequest));
                    }
                }
                report(generate, served, firstPreview);
                if (requests > 100) {
                    memory(base);
                }
            }
        }
        return 0;
    }

    /** images/s of one generator with the server's sequences, as `jpeglm generate -np` runs it. */
    private double generate(ImageModel m, int count) {
        GeneratorOptions o = GeneratorOptions.builder()
                .parallel(parallel)
                .threads(threads)
                .seed(System.nanoTime())
                .build();
        try (ImageGenerator g = m.newGenerator(o)) {
            var cpu = ThreadCpu.snapshot();
            long t0 = System.nanoTime();
            int n = g.generate(count).size();
            var st = g.lastStats();
            System.out.printf(
                    Locale.ROOT,
                    "  generate phases per image: tokens %.1f steps %.2f total %.2f ms step %.2f prompt %.2f mask %.2f accept %.2f finish %.2f%n",
                    (double) st.tokens() / n,
                    (double) st.steps() / n,
                    st.totalNanos() / 1e6 / n,
                    st.stepNanos() / 1e6 / n,
                    st.promptNanos() / 1e6 / n,
                    st.maskNanos() / 1e6 / n,
                    st.acceptNanos() / 1e6 / n,
                    st.finishNanos() / 1e6 / n);
            double s = (System.nanoTime() - t0) / 1e9;
            System.out.println("  generate cpu " + fmt(ThreadCpu.since(cpu), n) + " wall " + s);
            return n / s;
        }
    }

    /** images/s of the server: clients streaming requests until requests ran; first previews are added. */
    private double run(URI base, int clients, int requests, List<Double> firstPreview) throws Exception {
        AtomicInteger left = new AtomicInteger(requests);
        AtomicInteger done = new AtomicInteger();
        var cpu = ThreadCpu.snapshot();
        long t0 = System.nanoTime();
        List<Thread> all = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        String body = "{\"n\": " + perRequest + ", \"stream\": true"
                + (previewMcus != null ? ", \"preview_mcus\": " + previewMcus : "") + "}";
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
        double n = SseClient.N.sumThenReset();
        System.out.printf(
                Locale.ROOT,
                "  client: headers %.1f ms, first progress %.1f ms, image->end %.1f ms, total %.1f ms%n",
                SseClient.HEAD.sumThenReset() / n / 1e6,
                SseClient.FIRSTEV.sumThenReset() / n / 1e6,
                SseClient.TAIL.sumThenReset() / n / 1e6,
                SseClient.TOTAL.sumThenReset() / n / 1e6);
        System.out.println("  server cpu " + fmt(ThreadCpu.since(cpu), done.get()) + " wall " + s);
        return done.get() / s;
    }

    /** images/s of the clients' requests submitted to a service of the server's options, without HTTP. */
    private double direct(ImageModel m, ServiceOptions o, int requests) throws Exception {
        try (ImageService service = ImageService.start(m, o);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            AtomicInteger left = new AtomicInteger(requests);
            AtomicInteger done = new AtomicInteger();
            long t0 = System.nanoTime();
            List<Future<?>> all = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                all.add(pool.submit(() -> {
                    while (left.getAndDecrement() > 0) {
                        ImageRequest request = ImageRequest.generate(perRequest)
                                .seed(System.nanoTime())
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
            return done.get() / ((System.nanoTime() - t0) / 1e9);
        }
    }

    /** One streamed request: its images, and the seconds to its first preview (added to firstPreview). */
    private int stream(URI base, List<Double> firstPreview) {
        long t0 = System.nanoTime();
        HttpRequest req = HttpRequest.newBuilder(base.resolve("v1/images/generations"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"n\": " + perRequest + ", \"stream\": true"
                        + (previewMcus != null ? ", \"preview_mcus\": " + previewMcus : "") + "}"))
                .build();
        try {
            HttpResponse<InputStream> res = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
            if (res.statusCode() != 200) {
                throw new IllegalStateException("HTTP " + res.statusCode());
            }
            int images = 0;
            boolean previewSeen = false;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (!previewSeen && line.equals("event: preview")) {
                        previewSeen = true;
                        firstPreview.add((System.nanoTime() - t0) / 1e9);
                    } else if (line.equals("event: image")) {
                        images++;
                    }
                }
            }
            return images;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void report(List<Double> generate, List<Double> served, List<Double> firstPreview) {
        double g = median(generate);
        double s = median(served);
        List<Double> tfp = new ArrayList<>(firstPreview);
        Collections.sort(tfp);
        System.out.printf(
                Locale.ROOT, "generate %.2f images/s, server %.2f images/s (medians): ratio %.3f%n", g, s, s / g);
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
            run(base, clients, 100, ignore);
            long rss100 = rssKib();
            double heap100 = heapAfterGcMib();
            run(base, clients, requests - 100, ignore);
            long rssAll = rssKib();
            double heapAll = heapAfterGcMib();
            System.out.printf(
                    Locale.ROOT,
                    "resident memory: %.1f MiB after 100 requests, %.1f MiB after %d (%+.1f MiB); Java heap in use "
                            + "after a full GC: %.1f / %.1f MiB%n",
                    rss100 / 1024.0,
                    rssAll / 1024.0,
                    requests,
                    (rssAll - rss100) / 1024.0,
                    heap100,
                    heapAll);
        } finally {
            perRequest = saved;
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

    static String fmt(java.util.Map<String, Double> m, int n) {
        StringBuilder b = new StringBuilder();
        double total = m.values().stream().mapToDouble(Double::doubleValue).sum();
        b.append(String.format(Locale.ROOT, "total %.1f ms/image:", 1000 * total / n));
        m.entrySet().stream()
                .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .forEach(e -> b.append(String.format(Locale.ROOT, " [%s %.2f]", e.getKey(), 1000 * e.getValue() / n)));
        return b.toString();
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return percentile(s, 0.5);
    }

    private static double percentile(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
    }
}
