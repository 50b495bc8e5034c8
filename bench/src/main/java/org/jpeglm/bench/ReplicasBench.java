package org.jpeglm.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.testing.Haproxy;
import org.jpeglm.testing.ServeReplicas;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Issue 28: images/s of 1, 2 and 3 {@code jpeglm serve} replicas ({@code -t 1} each) behind HAProxy running
 * {@code deploy/haproxy.cfg}, and of one replica without the balancer (the anchor), alternated in one run. Three
 * replicas run throughout; a configuration of fewer disables the others on HAProxy's stats socket, so every run
 * shares the machine with the same processes.
 */
@Command(
        name = "replicas-bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "1, 2, 3 jpeglm serve replicas behind HAProxy, and one alone: images/s.",
        footer = {"", "Example:", "  replicas-bench -m models/fashion-mnist-32.gguf --images 96 --reps 3"})
public final class ReplicasBench implements Callable<Integer> {
    private static final Pattern IMAGE = Pattern.compile("\"b64_json\"");

    @Option(names = "-m", description = "Jpeg-LM GGUF (default: ${DEFAULT-VALUE})")
    Path model = Path.of("models/fashion-mnist-32.gguf");

    @Option(names = "--jar", description = "jpeglm's command-line jar (default: ${DEFAULT-VALUE})")
    Path jar = Path.of("cli/target/jpeglm.jar");

    @Option(names = "--config", description = "HAProxy's configuration (default: ${DEFAULT-VALUE})")
    Path config = Path.of("deploy/haproxy.cfg");

    @Option(names = "-t", description = "CPU threads of each replica (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(names = "--clients", description = "concurrent clients (default: ${DEFAULT-VALUE})")
    int clients = 6;

    @Option(names = "--per-request", description = "images per request, not streamed (default: ${DEFAULT-VALUE})")
    int perRequest = 4;

    @Option(names = "--images", description = "images per measurement (default: ${DEFAULT-VALUE})")
    int images = 96;

    @Option(names = "--reps", description = "rounds of every configuration (default: ${DEFAULT-VALUE})")
    int reps = 3;

    private final Map<Integer, Integer> failures = new ConcurrentSkipListMap<>();

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplicasBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("replicas-bench");
        System.out.printf(
                Locale.ROOT,
                "model %s, 3 replicas -t %d, %d clients x %d images a request (not streamed), %d images a run,"
                        + " %d cores, logs in %s%n",
                model.getFileName(),
                threads,
                clients,
                perRequest,
                images,
                Runtime.getRuntime().availableProcessors(),
                dir);
        try (ServeReplicas replicas = ServeReplicas.start(3, serveCommand(), dir, Duration.ofMinutes(3));
                Haproxy lb = Haproxy.start(config, dir, replicas.addresses(), Duration.ofSeconds(30))) {
            lb.awaitServers(
                    "every replica UP",
                    s -> s.values().stream().allMatch(v -> v.status().equals("UP")),
                    Duration.ofMinutes(1));
            Map<String, List<Run>> runs = new LinkedHashMap<>();
            List<String> names =
                    List.of("1 replica, no balancer", "1 behind HAProxy", "2 behind HAProxy", "3 behind HAProxy");
            names.forEach(n -> runs.put(n, new ArrayList<>()));
            for (int i = 0; i < names.size(); i++) { // warm-up: each configuration once
                measure(i, replicas, lb);
            }
            for (int r = 0; r < reps; r++) {
                for (int k = 0; k < names.size(); k++) { // each configuration first in turn
                    int i = (r + k) % names.size();
                    Run run = measure(i, replicas, lb);
                    runs.get(names.get(i)).add(run);
                    System.out.printf(
                            Locale.ROOT,
                            "  rep %d: %-24s %6.1f images/s, CPU ms/image: replicas %.1f, haproxy %.2f%n",
                            r + 1,
                            names.get(i),
                            run.rate(),
                            run.replicasCpu(),
                            run.haproxyCpu());
                }
            }
            print(runs);
            System.out.println("requests answered otherwise and sent again, by status: " + failures);
        }
        return 0;
    }

    private List<String> serveCommand() {
        return List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-jar",
                jar.toAbsolutePath().toString(),
                "serve",
                "-m",
                model.toAbsolutePath().toString(),
                "--port",
                "0",
                "-t",
                Integer.toString(threads));
    }

    /** One measurement: images/s, and CPU ms per image of the three replicas together and of HAProxy. */
    private record Run(double rate, double replicasCpu, double haproxyCpu) {}

    /** Configuration i (0: replica 1 directly; n: n replicas behind HAProxy): one measurement. */
    private Run measure(int i, ServeReplicas replicas, Haproxy lb) throws Exception {
        URI base = i == 0 ? replicas.get(0).uri() : lb.uri();
        int enabled = Math.max(i, 1);
        for (int s = 0; s < Haproxy.SERVERS; s++) {
            String verb = s < enabled ? "enable" : "disable";
            lb.command(verb + " server " + Haproxy.BACKEND + "/" + Haproxy.serverName(s));
        }
        lb.awaitServers(
                enabled + " replicas UP",
                m -> m.values().stream().filter(v -> v.status().equals("UP")).count() == enabled,
                Duration.ofMinutes(1));
        List<Long> pids = replicas.all().stream().map(r -> r.process().pid()).toList();
        double replicasBefore = cpuMillis(pids);
        double haproxyBefore = cpuMillis(List.of(lb.process().pid()));
        double rate = run(base);
        return new Run(
                rate,
                (cpuMillis(pids) - replicasBefore) / images,
                (cpuMillis(List.of(lb.process().pid())) - haproxyBefore) / images);
    }

    /** CPU time of the processes so far, ms. */
    private static double cpuMillis(List<Long> pids) {
        return pids.stream()
                .mapToDouble(pid -> ProcessHandle.of(pid)
                                .flatMap(h -> h.info().totalCpuDuration())
                                .orElseThrow(() -> new IllegalStateException("no CPU time of process " + pid))
                                .toNanos()
                        / 1e6)
                .sum();
    }

    /** Sends images / perRequest requests from the clients; images/s, each answer checked. */
    private double run(URI base) throws Exception {
        int requests = images / perRequest;
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    int made = 0;
                    for (int q = next.getAndIncrement(); q < requests; q = next.getAndIncrement()) {
                        made += request(base, q);
                    }
                    return made;
                }));
            }
            int made = 0;
            for (Future<Integer> f : done) {
                made += f.get();
            }
            if (made != requests * perRequest) {
                throw new IllegalStateException(made + " images made, not " + requests * perRequest);
            }
        }
        return requests * perRequest / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Sends request seed until it is answered with its images (at most 3 times); a failed answer is counted by its
     * status in {@link #failures} and printed: none is expected, and the run says how many there were.
     */
    private int request(URI base, int seed) throws Exception {
        String body = String.format(Locale.ROOT, "{\"n\": %d, \"seed\": %d}", perRequest, seed);
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("v1/images/generations"))
                            .header("Content-Type", "application/json")
                            .timeout(Duration.ofMinutes(3))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = IMAGE.matcher(r.body());
            int count = 0;
            while (m.find()) {
                count++;
            }
            if (r.statusCode() == 200 && count == perRequest) {
                return count;
            }
            failures.merge(r.statusCode(), 1, Integer::sum);
            String what = "status " + r.statusCode() + " (X-Request-Id "
                    + r.headers().firstValue("X-Request-Id").orElse("none") + "), " + count + " images: " + r.body();
            if (attempt == 3) {
                throw new IllegalStateException(what);
            }
            System.out.println("  sent again after " + what);
        }
    }

    private static void print(Map<String, List<Run>> runs) {
        double anchor = RpcBench.median(
                runs.values().iterator().next().stream().map(Run::rate).toList());
        System.out.println();
        System.out.println("| replicas | images/s, median (min-max) | vs 1 replica alone | CPU ms/image: replicas |"
                + " haproxy |");
        System.out.println("|---|---|---:|---:|---:|");
        runs.forEach((name, r) -> {
            List<Double> rates = r.stream().map(Run::rate).toList();
            System.out.printf(
                    Locale.ROOT,
                    "| %s | %.1f (%.1f-%.1f) | %.2f | %.1f | %.2f |%n",
                    name,
                    RpcBench.median(rates),
                    rates.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                    rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow(),
                    RpcBench.median(rates) / anchor,
                    RpcBench.median(r.stream().map(Run::replicasCpu).toList()),
                    RpcBench.median(r.stream().map(Run::haproxyCpu).toList()));
        });
    }
}
