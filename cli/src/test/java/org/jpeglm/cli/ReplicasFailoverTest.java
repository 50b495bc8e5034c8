package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jpeglm.cli.GenerationClient.Attempt;
import org.jpeglm.cli.GenerationClient.Complete;
import org.jpeglm.cli.GenerationClient.Cut;
import org.jpeglm.cli.GenerationClient.Job;
import org.jpeglm.cli.GenerationClient.Refused;
import org.jpeglm.cli.GenerationClient.StreamError;
import org.jpeglm.cli.GenerationClient.Wrong;
import org.jpeglm.testing.Haproxy;
import org.jpeglm.testing.Haproxy.LoggedRequest;
import org.jpeglm.testing.Haproxy.Server;
import org.jpeglm.testing.PrebuiltRuntime;
import org.jpeglm.testing.ServeReplicas;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: three {@code jpeglm serve} replicas (bundled model, {@code -t 1} each) behind HAProxy running
 * {@code deploy/haproxy.cfg} as written, on loopback. Concurrent clients send a bounded load of generation requests,
 * streamed and not, each with its own seed; mid-run one replica is killed (SIGKILL) and another drained (SIGTERM).
 *
 * <p>Every attempt must end in one of {@link GenerationClient.Outcome}'s allowed ends: complete (exactly the n images
 * asked for, indexes 0..n-1 once each, naming the request's seed), or retryable — a 502/503/504 with Retry-After and
 * the JSON error, a stream whose last event is a 503 {@code error} saying to retry, or (only for a stream of the
 * killed replica) a stream cut before its last event. Clients send a retryable request again with the same seed, so
 * every request ends complete, and no image (seed, index) is in two answers. HAProxy's log (by X-Request-Id), its
 * stats socket and page, and the replicas' access logs must tell the same story.
 *
 * <p>To make sure the kill and the drain each catch a stream and a non-streamed request in flight, the test pins
 * two large requests on the replica it is about to stop (the others disabled on HAProxy's socket for that moment,
 * the clients paused) and checks the premise afterwards in HAProxy's log. About a minute on the 2-core machine.
 */
class ReplicasFailoverTest {
    private static final Path ROOT = PrebuiltRuntime.root();
    private static final int JOBS = 40;
    private static final int CLIENTS = 4;
    private static final int MAX_ATTEMPTS = 6;
    private static final int DRAIN_SECONDS = 3;
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Pattern REQUESTS_TOTAL = Pattern.compile("(?m)^jpeglm_requests_total\\{[^}]*} (\\S+)$");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aKilledAndADrainedReplicaCostNoRequestAndNoImage() throws Exception {
        assertNotNull(Haproxy.binary(), "haproxy is not installed: scripts/install-prerequisites --test installs it");
        List<Long> pids = new ArrayList<>();
        try (ServeReplicas replicas = ServeReplicas.start(3, serveCommand(), dir, Duration.ofMinutes(3));
                Haproxy lb = Haproxy.start(
                        ROOT.resolve("deploy/haproxy.cfg"), dir, replicas.addresses(), Duration.ofSeconds(30))) {
            replicas.all().forEach(r -> pids.add(r.process().pid()));
            pids.add(lb.process().pid());
            lb.awaitServers(
                    "every replica UP",
                    s -> s.values().stream().allMatch(v -> v.status().equals("UP")),
                    MINUTE);
            Load load = new Load(new GenerationClient(http, lb.uri()));
            load.start();

            load.awaitCompleted(JOBS / 4);
            Pinned killed = pin(lb, replicas, 0, load, 64, 64, "kill");
            replicas.get(0).process().kill();
            Map<String, Server> afterKill =
                    lb.awaitServers("r1 DOWN", s -> s.get("r1").status().equals("DOWN"), MINUTE);
            assertEquals("L4CON", afterKill.get("r1").checkStatus(), afterKill.toString());

            load.awaitCompleted(JOBS / 2);
            // The drained replica's stream asks for more images than it can make in the drain time; the answer
            // waits behind them, so it is cancelled too (a 503 that HAProxy sends again to the last replica).
            Pinned drained = pin(lb, replicas, 1, load, 256, 16, "drain");
            replicas.get(1).process().terminate();
            Map<String, Server> draining =
                    lb.awaitServers("r2 DOWN", s -> s.get("r2").status().equals("DOWN"), MINUTE);
            assertTrue(replicas.get(1).process().isAlive(), "HAProxy took r2 out by its /ready, while it drained");
            assertEquals("L7STS", draining.get("r2").checkStatus(), draining.toString());
            assertEquals("503", draining.get("r2").checkCode(), draining.toString());
            assertTrue(
                    replicas.get(1).process().awaitExit(Duration.ofSeconds(DRAIN_SECONDS + 30)),
                    "the drained replica exits");
            assertTrue(Set.of(0, 143).contains(replicas.get(1).process().exitValue()));

            List<Attempt> attempts = new ArrayList<>(load.await());
            for (CompletableFuture<Attempt> f :
                    List.of(killed.stream(), killed.answer(), drained.stream(), drained.answer())) {
                f.get(3, TimeUnit.MINUTES);
            }
            Map<String, Server> end = lb.awaitServers(
                    "r1 and r2 refused, r3 UP",
                    s -> s.get("r2").checkStatus().equals("L4CON")
                            && s.get("r3").status().equals("UP"),
                    MINUTE);
            System.out.println("ReplicasFailoverTest: " + summary(attempts) + "; haproxy sees " + end.values());
            for (CompletableFuture<Attempt> f :
                    List.of(killed.stream(), killed.answer(), drained.stream(), drained.answer())) {
                System.out.println("  pinned: " + f.get());
            }
            attempts.stream()
                    .filter(a -> !(a.outcome() instanceof Complete))
                    .forEach(a -> System.out.println("  " + a));

            List<String> ids =
                    new ArrayList<>(attempts.stream().map(Attempt::id).toList());
            ids.addAll(List.of("kill-stream", "kill-answer", "drain-stream", "drain-answer"));
            List<LoggedRequest> logged = awaitLogged(lb, ids);
            checkAttempts(attempts, logged, replicas);
            checkKilled(killed, logged);
            checkDrained(drained, logged, replicas);
            checkView(lb, end);
        }
        for (long pid : pids) {
            assertFalse(
                    ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
                    "process " + pid + " was left running");
        }
    }

    /** jpeglm serve in a child JVM of the test's class path: the bundled model, one thread, a short drain. */
    private static List<String> serveCommand() {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx256m",
                "-XX:+UseSerialGC"));
        if (System.getProperty("jpeglm.library.path") != null) {
            command.add("-Djpeglm.library.path=" + System.getProperty("jpeglm.library.path"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JpeglmCli.class.getName()));
        command.addAll(List.of(
                "serve",
                "-m",
                ROOT.resolve("models/fashion-mnist-32.gguf").toString(),
                "--port",
                "0",
                "-t",
                "1",
                "--max-images",
                "256",
                "--drain-seconds",
                Integer.toString(DRAIN_SECONDS)));
        return command;
    }

    /** Two requests held on one replica when it is stopped: a stream and an answer, each sent once. */
    private record Pinned(String replica, CompletableFuture<Attempt> stream, CompletableFuture<Attempt> answer) {}

    /**
     * Sends a stream of streamImages and then an answer of answerImages to replica target alone: the clients paused
     * and the other replicas disabled on HAProxy's socket until the replica's service has taken both.
     */
    private Pinned pin(
            Haproxy lb, ServeReplicas replicas, int target, Load load, int streamImages, int answerImages, String name)
            throws Exception {
        load.pause();
        try {
            URI direct = replicas.get(target).uri();
            long taken = stableRequestCount(direct);
            List<String> others = new ArrayList<>();
            lb.servers().values().stream()
                    .filter(s -> s.status().equals("UP") && !s.name().equals(Haproxy.serverName(target)))
                    .forEach(s -> others.add(s.name()));
            others.forEach(s -> lb.command("disable server " + Haproxy.BACKEND + "/" + s));
            GenerationClient client = new GenerationClient(http, lb.uri());
            CountDownLatch streaming = new CountDownLatch(1);
            CompletableFuture<Attempt> stream = CompletableFuture.supplyAsync(() -> send(
                    client,
                    new Job(name + "-stream", 900_000 + target, streamImages, true),
                    line -> streaming.countDown()));
            assertTrue(streaming.await(1, TimeUnit.MINUTES), "the pinned stream began");
            CompletableFuture<Attempt> answer = CompletableFuture.supplyAsync(
                    () -> send(client, new Job(name + "-answer", 910_000 + target, answerImages, false), l -> {}));
            awaitRequestCount(direct, taken + 2);
            others.forEach(s -> lb.command("enable server " + Haproxy.BACKEND + "/" + s));
            return new Pinned(Haproxy.serverName(target), stream, answer);
        } finally {
            load.resume();
        }
    }

    private static Attempt send(GenerationClient client, Job job, java.util.function.Consumer<String> firstLine) {
        try {
            return client.send(job, job.name(), firstLine);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The generation requests a replica's service has taken, once the count holds still for half a second. */
    private long stableRequestCount(URI replica) throws Exception {
        long before = requestCount(replica);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(500);
            long now = requestCount(replica);
            if (now == before) {
                return now;
            }
            before = now;
        }
        throw new AssertionError("requests kept arriving at " + replica + " with the clients paused");
    }

    private void awaitRequestCount(URI replica, long count) throws Exception {
        long deadline = System.nanoTime() + MINUTE.toNanos();
        while (requestCount(replica) < count) {
            assertTrue(System.nanoTime() < deadline, replica + " never took the pinned requests");
            Thread.sleep(20);
        }
    }

    /** jpeglm_requests_total of a replica's /metrics. */
    private long requestCount(URI replica) throws Exception {
        String metrics = http.send(
                        HttpRequest.newBuilder(replica.resolve("metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = REQUESTS_TOTAL.matcher(metrics);
        assertTrue(m.find(), metrics);
        return (long) Double.parseDouble(m.group(1));
    }

    /**
     * Every attempt ended in an allowed way, on the replica HAProxy's log names for its id; every job ended complete;
     * no image is in two answers; each complete answer is in its replica's access log.
     */
    private static void checkAttempts(List<Attempt> attempts, List<LoggedRequest> logged, ServeReplicas replicas) {
        Map<String, LoggedRequest> byId = byId(logged);
        List<String> wrong = new ArrayList<>();
        Map<String, Attempt> finalAttempt = new HashMap<>();
        Set<String> imageSeeds = new HashSet<>();
        int images = 0;
        for (Attempt a : attempts) {
            LoggedRequest line = byId.get(a.id());
            String where = a.id() + " (" + a.job() + ", " + line + "): ";
            if (line == null) {
                wrong.add(where + "not in HAProxy's log");
                continue;
            }
            if (a.echoedId() != null && !a.echoedId().equals(a.id())) {
                wrong.add(where + "X-Request-Id came back as " + a.echoedId());
            }
            switch (a.outcome()) {
                case Wrong w -> wrong.add(where + w.what());
                case Cut c -> {
                    if (!line.server().equals("r1") || !line.termination().startsWith("SD")) {
                        wrong.add(where + "a stream cut by a replica that was not killed");
                    }
                }
                case Refused r -> {
                    if (r.status() == 502
                            && !(line.server().equals("r1")
                                    && line.termination().startsWith("SH"))) {
                        wrong.add(where + "a 502 from a replica that was not killed");
                    }
                }
                case StreamError e -> {
                    if (!line.server().equals("r2")) {
                        wrong.add(where + "a stream error from a replica that was not drained");
                    }
                }
                case Complete c -> {
                    finalAttempt.put(a.job().name(), a);
                    images += c.images().size();
                    c.images().forEach(i -> imageSeeds.add(i.imageSeed()));
                    // The replicas that ended well wrote every line (the killed one may have lost its last).
                    int replica = Integer.parseInt(line.server().substring(1)) - 1;
                    String access = "id=" + a.id() + " method=POST path=/v1/images/generations status=200 ";
                    if (replica > 0 && !replicas.get(replica).process().output().contains(access)) {
                        wrong.add(where + "not in " + line.server() + "'s access log");
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong));
        assertEquals(JOBS, finalAttempt.size(), "every job ends complete: " + summary(attempts));
        int asked = finalAttempt.values().stream().mapToInt(a -> a.job().n()).sum();
        assertEquals(asked, images, "each image once: complete answers of jobs hold " + images + " of " + asked);
        assertEquals(images, imageSeeds.size(), "no image (seed, index) is in two answers");
    }

    /** The replica killed mid-run: its stream was cut after events had come through, its answer became a 502. */
    private static void checkKilled(Pinned killed, List<LoggedRequest> logged) throws Exception {
        Attempt stream = killed.stream().get(1, TimeUnit.MINUTES);
        Attempt answer = killed.answer().get(1, TimeUnit.MINUTES);
        Map<String, LoggedRequest> byId = byId(logged);
        assertEquals("r1", byId.get(stream.id()).server(), "the pinned stream ran on r1");
        assertEquals("r1", byId.get(answer.id()).server(), "the pinned answer ran on r1");
        if (!(stream.outcome() instanceof Cut c) || c.progress() == 0) {
            throw new AssertionError("a stream of the killed replica is cut after its events passed through HAProxy"
                    + " unbuffered: " + stream.outcome());
        }
        // HAProxy closes the connection after it: a client told so sends its next request on a new one.
        if (!(answer.outcome() instanceof Refused r) || r.status() != 502 || r.retryAfter() != 1 || !r.closes()) {
            throw new AssertionError(
                    "the killed replica's answer is HAProxy's 502 with Retry-After and Connection: close: " + answer);
        }
        assertTrue(((Refused) answer.outcome()).message().contains("retry"), answer.toString());
        assertEquals(answer.id(), answer.echoedId(), "HAProxy's own answer carries the request's id");
    }

    /**
     * The replica drained mid-run: its stream got a last error event; its answer, cancelled with a 503, was sent again
     * by HAProxy to r3 (the one replica left) and came back complete; r2's access log has the 503.
     */
    private static void checkDrained(Pinned drained, List<LoggedRequest> logged, ServeReplicas replicas)
            throws Exception {
        Attempt stream = drained.stream().get(1, TimeUnit.MINUTES);
        Attempt answer = drained.answer().get(3, TimeUnit.MINUTES);
        if (!(stream.outcome() instanceof StreamError e) || !e.message().contains("shutting down")) {
            throw new AssertionError("the drained replica's stream ends with an error event: " + stream.outcome());
        }
        LoggedRequest line = byId(logged).get(answer.id());
        assertTrue(
                answer.outcome() instanceof Complete,
                "HAProxy retried the drained answer: " + answer.outcome() + "; " + line);
        assertEquals("r3", line.server(), line.toString());
        assertTrue(line.redispatched() && line.retries() >= 1, "retried on another replica: " + line);
        assertTrue(
                replicas.get(1)
                        .process()
                        .output()
                        .contains("id=" + answer.id() + " method=POST " + "path=/v1/images/generations status=503"),
                replicas.get(1).process().output());
    }

    /** The stats socket and the stats page agree: r1 and r2 down, refused, r3 up. */
    private void checkView(Haproxy lb, Map<String, Server> socket) throws Exception {
        String csv = http.send(
                        HttpRequest.newBuilder(lb.admin().resolve("stats;csv")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, Server> page = Haproxy.servers(csv);
        for (Map<String, Server> view : List.of(socket, page)) {
            assertEquals("DOWN", view.get("r1").status(), view.toString());
            assertEquals("L4CON", view.get("r1").checkStatus(), view.toString());
            assertEquals("DOWN", view.get("r2").status(), view.toString());
            assertEquals("L4CON", view.get("r2").checkStatus(), view.toString());
            assertEquals("UP", view.get("r3").status(), view.toString());
            assertEquals("L7OK", view.get("r3").checkStatus(), view.toString());
        }
        long retries = socket.values().stream()
                .mapToLong(s -> s.retries() + s.redispatches())
                .sum();
        assertTrue(retries >= 1, "HAProxy counted its retries: " + socket.values());
    }

    /** HAProxy's log once it has a line for each id (it writes one as each request ends). */
    private static List<LoggedRequest> awaitLogged(Haproxy lb, List<String> ids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<LoggedRequest> logged = lb.requests();
            Set<String> have = logged.stream().map(LoggedRequest::id).collect(Collectors.toSet());
            if (have.containsAll(ids) || System.nanoTime() > deadline) {
                return logged;
            }
            Thread.sleep(100);
        }
    }

    private static Map<String, LoggedRequest> byId(List<LoggedRequest> logged) {
        Map<String, LoggedRequest> byId = new HashMap<>();
        for (LoggedRequest l : logged) {
            if (byId.put(l.id(), l) != null) {
                fail("two lines of HAProxy's log for " + l.id());
            }
        }
        return byId;
    }

    private static String summary(List<Attempt> attempts) {
        return attempts.size() + " attempts: "
                + attempts.stream()
                        .collect(Collectors.groupingBy(
                                a -> a.outcome() instanceof Refused r
                                        ? "refused " + r.status()
                                        : a.outcome().getClass().getSimpleName(),
                                java.util.TreeMap::new,
                                Collectors.counting()));
    }

    /**
     * The load: {@link #CLIENTS} clients, each taking the next of {@link #JOBS} jobs (1 to 4 images, every other one
     * streamed) and sending it until it is complete, at most {@link #MAX_ATTEMPTS} times, after the Retry-After (at
     * most a second here). {@link #pause()} holds the clients before their next attempt.
     */
    private static final class Load {
        private final GenerationClient client;
        private final AtomicInteger next = new AtomicInteger();
        private final AtomicInteger completed = new AtomicInteger();
        private final ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
        private final ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
        private final List<Future<?>> clients = new ArrayList<>();
        private final Object gate = new Object();
        private boolean paused; // guarded by gate

        Load(GenerationClient client) {
            this.client = client;
        }

        void start() {
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(threads.submit(() -> {
                    for (int k; (k = next.getAndIncrement()) < JOBS; ) {
                        run(new Job("job-" + k, 1000 + k, 1 + k % 4, k % 2 == 0));
                    }
                    return null;
                }));
            }
        }

        private void run(Job job) throws InterruptedException {
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                awaitGate();
                Attempt a = client.send(job, job.name() + "-" + attempt, line -> {});
                attempts.add(a);
                if (!a.outcome().retryable()) {
                    completed.incrementAndGet();
                    return;
                }
                Thread.sleep(a.outcome() instanceof Refused r ? Math.min(1000, r.retryAfter() * 1000L) : 200);
            }
            completed.incrementAndGet(); // gave up: checkAttempts finds it incomplete
        }

        private void awaitGate() throws InterruptedException {
            synchronized (gate) {
                while (paused) {
                    gate.wait();
                }
            }
        }

        void pause() {
            synchronized (gate) {
                paused = true;
            }
        }

        void resume() {
            synchronized (gate) {
                paused = false;
                gate.notifyAll();
            }
        }

        void awaitCompleted(int jobs) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (completed.get() < jobs) {
                assertTrue(System.nanoTime() < deadline, "the load stalled at " + completed + " jobs");
                Thread.sleep(50);
            }
        }

        /** Waits for every job's end; every attempt, in the order they ended. */
        List<Attempt> await() throws Exception {
            try {
                for (Future<?> c : clients) {
                    c.get(3, TimeUnit.MINUTES);
                }
            } finally {
                threads.shutdownNow();
            }
            return List.copyOf(attempts);
        }
    }
}
