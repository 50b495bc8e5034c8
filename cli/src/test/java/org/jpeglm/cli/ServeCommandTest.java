package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.bpe.BpeTrainer;
import org.jpeglm.codec.igpt.IgptSpec;
import org.jpeglm.codec.igpt.PixelStreams;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.Subsampling;
import org.jpeglm.testing.TinyJpegLm;
import org.jpeglm.testing.TinyStreamLm;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code jpeglm serve}: it listens where it says, answers, and a request alone gives the CLI's bytes. */
class ServeCommandTest {
    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void model() throws Exception {
        model = dir.resolve("tiny.gguf");
        TinyJpegLm.write(model, 5);
    }

    @Test
    void aRequestAloneGivesTheBytesOfGenerateWithTheSameParallel() throws Exception {
        Path out = dir.resolve("gen");
        CliTest.Run gen = CliTest.run(
                "generate",
                "-m",
                model.toString(),
                "-n",
                "4",
                "-np",
                "4",
                "-t",
                "2",
                "--seed",
                "7",
                "--temp",
                "0.9",
                "-o",
                out.toString());
        assertEquals(0, gen.exit(), gen.err());

        Serving serving = Serving.start("-m", model.toString(), "--port", "0", "-np", "4", "-t", "2", "--api-key", "k");
        StringWriter err = serving.err();
        ServeCommand serve = serving.command();
        CompletableFuture<Integer> exit = serving.exit();
        try {
            URI base = awaitListening(err, exit);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> res = client.send(
                    HttpRequest.newBuilder(base.resolve("v1/images/generations"))
                            .header("Authorization", "Bearer k")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"n\": 4, \"seed\": 7, \"temperature\": 0.9}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, res.statusCode(), res.body());
            JsonNode data = new ObjectMapper().readTree(res.body()).get("data");
            for (int i = 0; i < 4; i++) {
                byte[] cli = Files.readAllBytes(out.resolve(String.format("image-%04d.jpg", i)));
                assertArrayEquals(
                        cli,
                        Base64.getDecoder().decode(data.get(i).get("b64_json").asText()),
                        "image " + i);
            }
        } finally {
            serve.stop();
        }
        assertEquals(0, exit.get(), err.toString());
    }

    @Test
    void aVideoModelServesMp4sAndRefusesTheImageRoute() throws Exception {
        String video = VideoNumbersTest.MODEL.toString();
        Path out = dir.resolve("video");
        CliTest.Run gen = CliTest.run(
                "generate", "-m", video, "-n", "1", "-np", "2", "-t", "2", "--seed", "7", "-o", out.toString());
        assertEquals(0, gen.exit(), gen.err());
        Serving serving = Serving.start("-m", video, "--port", "0", "-np", "2", "-t", "2");
        StringWriter err = serving.err();
        ServeCommand serve = serving.command();
        CompletableFuture<Integer> exit = serving.exit();
        try {
            URI base = awaitListening(err, exit);
            assertTrue(err.toString().contains("15 frames (video: POST /v1/videos/generations)"), err.toString());
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<byte[]> mp4 = client.send(
                    HttpRequest.newBuilder(base.resolve("v1/videos/generations"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"seed\": 7, \"response_format\": \"bytes\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, mp4.statusCode(), new String(mp4.body(), StandardCharsets.UTF_8));
            assertEquals("video/mp4", mp4.headers().firstValue("Content-Type").orElseThrow());
            assertEquals("ftyp", new String(mp4.body(), 4, 4, StandardCharsets.US_ASCII));
            HttpResponse<byte[]> h264 = client.send(
                    HttpRequest.newBuilder(base.resolve("v1/videos/generations"))
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"seed\": 7, \"response_format\": \"bytes\", \"output_format\": \"h264\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertArrayEquals(
                    Files.readAllBytes(out.resolve("video-0000.h264")),
                    h264.body(),
                    "serve -np 2 answers a request alone as generate -np 2 writes it");
            HttpResponse<String> image = post(client, base, "{}");
            assertEquals(404, image.statusCode(), image.body());
            assertTrue(image.body().contains("/v1/videos/generations"), image.body());
        } finally {
            serve.stop();
        }
        assertEquals(0, exit.get(), err.toString());
    }

    /** A pixel model (igpt) is served at the image routes: PNGs with the bytes generate writes, no refusal. */
    @Test
    void aPixelModelServesPngsWithTheBytesOfGenerate() throws Exception {
        Path igpt = dir.resolve("igpt.gguf");
        IgptSpec spec = IgptSpec.igpt(PixelCliTest.PROFILE);
        TinyStreamLm.write(igpt, 3, spec.tokenizer().vocabSize() + 2, spec.toGguf(), 1024);
        assertServesPngsOfGenerate(igpt, "igpt");
    }

    /** So is a bpe-igpt model: its merged tokens decode to the same 28×28 PNGs generate writes. */
    @Test
    void aBpeIgptModelServesPngsWithTheBytesOfGenerate() throws Exception {
        Path bpe = dir.resolve("bpe-igpt.gguf");
        List<byte[]> streams = IntStream.range(0, 10)
                .mapToObj(i -> PixelStreams.encode(PixelCliTest.picture(i), PixelCliTest.PROFILE))
                .toList();
        BpeTokenizer merged =
                new BpeTrainer(20, 2, BpeTokenizer.DEFAULT_BOS, BpeTokenizer.DEFAULT_EOS, 4).train(streams);
        TinyStreamLm.write(bpe, 4, merged.vocabSize(), new IgptSpec(PixelCliTest.PROFILE, merged).toGguf(), 1024);
        assertServesPngsOfGenerate(bpe, "bpe-igpt");
    }

    private static void assertServesPngsOfGenerate(Path model, String codec) throws Exception {
        Path out = dir.resolve("pixels-" + codec);
        CliTest.Run gen = CliTest.run(
                "generate", "-m", model.toString(), "-n", "2", "-np", "2", "-t", "2", "-s", "5", "-o", out.toString());
        assertEquals(0, gen.exit(), gen.err());
        Serving serving = Serving.start("-m", model.toString(), "--port", "0", "-np", "2", "-t", "2");
        StringWriter err = serving.err();
        ServeCommand serve = serving.command();
        CompletableFuture<Integer> exit = serving.exit();
        try {
            URI base = awaitListening(err, exit);
            assertTrue(err.toString().contains("28x28 PNG (pixel model, codec " + codec + ")"), err.toString());
            HttpResponse<String> res = post(HttpClient.newHttpClient(), base, "{\"n\": 2, \"seed\": 5}");
            assertEquals(200, res.statusCode(), res.body());
            JsonNode data = new ObjectMapper().readTree(res.body()).get("data");
            for (int i = 0; i < 2; i++) {
                byte[] png =
                        Base64.getDecoder().decode(data.get(i).get("b64_json").asText());
                assertArrayEquals(Files.readAllBytes(out.resolve(String.format("image-%04d.png", i))), png, "" + i);
                java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
                assertEquals(28, image.getWidth(), "a PNG of the profile's size");
                assertEquals(28, image.getHeight());
            }
        } finally {
            serve.stop();
        }
        assertEquals(0, exit.get(), err.toString());
    }

    @Test
    void badOptionsAreOneLine() {
        CliTest.Run r = CliTest.run("serve", "-m", model.toString(), "--port", "70000");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: port must be 0 to 65535"), r.err());
        r = CliTest.run("serve", "-m", model.toString(), "-np", "0");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: --parallel must be 1 to 256"), r.err());
        r = CliTest.run("serve", "-m", model.toString(), "--max-queue", "0");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: --max-queue must be at least 1"), r.err());
    }

    /**
     * The socket is bound before the model loads: with a model file that would not load, a port in use and a bad
     * host are what is reported, each in one line.
     */
    @Test
    void aPortInUseOrABadHostIsOneLineBeforeTheModelLoads() throws Exception {
        Path broken = dir.resolve("broken.gguf");
        Files.writeString(broken, "not a model: loading it would fail");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            CliTest.Run r = CliTest.run("serve", "-m", broken.toString(), "--port", Integer.toString(port));
            assertEquals(1, r.exit(), r.err());
            assertEquals(
                    "error: cannot listen on 127.0.0.1:" + port + ": the port is in use (another server listens "
                            + "there; choose another port, or 0 for any free one)\n",
                    r.err());
        }
        CliTest.Run r = CliTest.run("serve", "-m", broken.toString(), "--host", "no-such-host.invalid");
        assertEquals(1, r.exit(), r.err());
        assertEquals(
                "error: cannot listen on no-such-host.invalid: no such host (the name does not resolve to an "
                        + "address)\n",
                r.err());
        r = CliTest.run("serve", "-m", broken.toString(), "--host", "192.0.2.1", "--port", "0"); // TEST-NET-1
        assertEquals(1, r.exit(), r.err());
        assertEquals("error: cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine\n", r.err());
        r = CliTest.run("serve", "-m", broken.toString(), "--port", "0");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains("broken.gguf"), "then the model: " + r.err());
    }

    @Test
    void anEmptyKeyIsRefusedRatherThanServingEveryone() throws Exception {
        CliTest.Run r = CliTest.run("serve", "-m", model.toString(), "--port", "0", "--api-key", "");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: --api-key is empty (an unset variable?)"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        // JPEGLM_API_KEY set but empty: a child process, to set its environment.
        Path log = dir.resolve("empty-env.log");
        Process p = child(log, java.util.Map.of("JPEGLM_API_KEY", ""), "serve", "-m", model.toString(), "--port", "0");
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(1, p.exitValue(), CliRefusesTest.read(log));
        assertTrue(
                CliRefusesTest.read(log).contains("error: JPEGLM_API_KEY is set but empty"), CliRefusesTest.read(log));
    }

    @Test
    void aKeyThatIsNotPrintableAsciiIsRefusedAtStart() {
        for (String key : new String[] {"cl\u00e9-secr\u00e8te", "two words", "tab\tkey", "   "}) {
            CliTest.Run r = CliTest.run("serve", "-m", model.toString(), "--port", "0", "--api-key", key);
            assertEquals(1, r.exit(), key);
            assertTrue(
                    r.err().startsWith("error: an API key must be printable ASCII without spaces")
                            || r.err().startsWith("error: an API key must not be blank"),
                    r.err());
        }
    }

    @Test
    void drainAndHostOptionsAreChecked() {
        CliTest.Run r = CliTest.run("serve", "-m", model.toString(), "--drain-seconds", "-1");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: --drain-seconds must be 0 or more, got -1"), r.err());
        r = CliTest.run("serve", "-m", model.toString(), "--allowed-host", "bad name");
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith("error: an allowed host must be a host name"), r.err());
    }

    /**
     * SIGTERM to a real serve process: it stops being ready and turns new requests away (503, Retry-After), the
     * request that can finish within --drain-seconds does (its stream ends with done), the one that cannot is cancelled
     * with a last event (error), and the process exits, without a stack trace.
     */
    @Test
    void sigtermDrainsRunningRequestsThenExits() throws Exception {
        Path log = dir.resolve("sigterm.log");
        Process p = child(
                log,
                java.util.Map.of(),
                "serve",
                "-m",
                model.toString(),
                "--port",
                "0",
                "-np",
                "1",
                "-t",
                "1",
                "--drain-seconds",
                "3",
                "--max-images",
                "1000");
        try {
            URI base = awaitListening(log, p);
            HttpClient client = HttpClient.newHttpClient();
            // One image: done soon. Then 1,000 behind it on the one sequence: they cannot be done within 3 s.
            CompletableFuture<String> quick = streamAsync(client, base, "{\"n\": 1, \"seed\": 1, \"stream\": true}");
            awaitBusy(client, base);
            CompletableFuture<String> slow =
                    streamAsync(client, base, "{\"n\": 1000, \"seed\": 2, \"stream\": true, \"preview_mcus\": 0}");
            Thread.sleep(300); // let the slow one's images be queued before the signal
            p.destroy(); // SIGTERM
            long signalled = System.nanoTime();
            HttpResponse<String> ready = awaitStatus(client, base.resolve("ready"), 503);
            assertTrue(ready.body().contains("draining"), ready.body());
            HttpResponse<String> turned = client.send(
                    HttpRequest.newBuilder(base.resolve("v1/images/generations"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"seed\": 3}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, turned.statusCode(), turned.body());
            assertTrue(turned.body().contains("shutting down"), turned.body());
            assertTrue(turned.headers().firstValue("Retry-After").isPresent());

            String quickEvents = quick.get(1, TimeUnit.MINUTES);
            assertTrue(quickEvents.contains("event: done"), quickEvents);
            String slowEvents = slow.get(1, TimeUnit.MINUTES);
            assertTrue(slowEvents.endsWith("\n\n") && slowEvents.contains("event: error"), slowEvents);
            assertTrue(slowEvents.contains("shutting down"), slowEvents);
            assertTrue(p.waitFor(1, TimeUnit.MINUTES), "exits after draining");
            double seconds = (System.nanoTime() - signalled) / 1e9;
            assertTrue(seconds < 20, "exits within the drain time and a bounded cancel: " + seconds + " s");
            String err = CliRefusesTest.read(log);
            assertTrue(java.util.Set.of(0, 143).contains(p.exitValue()), "exit " + p.exitValue() + ": " + err);
            assertTrue(err.contains("stopping: no new requests; those running have 3 s to finish"), err);
            assertTrue(err.contains("stopped"), err);
            assertTrue(!err.contains("\tat "), "no stack trace: " + err);
        } finally {
            p.destroyForcibly();
        }
    }

    /**
     * Issue 26's out-of-memory case, in small: a model of 4096x4096 images on a 512 MiB heap (40 of them do not fit). A request for more
     * images than the heap holds is refused naming the limit, concurrent requests are each answered or told to retry
     * (never a 500, never an OutOfMemoryError that fails the others), and the idle server then holds nothing; a model
     * whose one image the heap cannot hold is refused at start in one line.
     */
    @Test
    void aSmallHeapRefusesWhatItCannotHoldRequestByRequest() throws Exception {
        Path big = dir.resolve("big.gguf");
        TinyJpegLm.writeWithProfile(big, 3, new JpegProfile(25, Subsampling.GRAY, 1, 4096, 4096));
        Path log = dir.resolve("small-heap.log");
        Process p = child(
                log,
                java.util.Map.of(),
                List.of("-Xmx512m"),
                "serve",
                "-m",
                big.toString(),
                "--port",
                "0",
                "-np",
                "2",
                "-t",
                "1");
        try {
            URI base = awaitListening(log, p);
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> tooMany = post(client, base, "{\"n\": 40}");
            assertEquals(400, tooMany.statusCode(), tooMany.body());
            assertTrue(
                    tooMany.body().contains("images of 4096x4096")
                            && tooMany.body().contains("ask for at most"),
                    tooMany.body());
            List<CompletableFuture<HttpResponse<String>>> all = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                all.add(client.sendAsync(
                        HttpRequest.newBuilder(base.resolve("v1/images/generations"))
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"n\": 2, \"seed\": " + i + ", \"max_tokens\": 8}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int ok = 0;
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = f.get(5, TimeUnit.MINUTES);
                assertTrue(r.statusCode() == 200 || r.statusCode() == 503, r.statusCode() + ": " + r.body());
                ok += r.statusCode() == 200 ? 1 : 0;
            }
            assertTrue(ok >= 1, "at least the first fits");
            String health = client.send(
                            HttpRequest.newBuilder(base.resolve("health")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertTrue(health.contains("\"slots_processing\":0") && health.contains("\"queued_images\":0"), health);
            String err = CliRefusesTest.read(log);
            assertTrue(!err.contains("OutOfMemoryError") && !err.contains("\tat "), err);
        } finally {
            p.destroy();
            p.waitFor(1, TimeUnit.MINUTES);
            p.destroyForcibly();
        }
        Path huge = dir.resolve("huge.gguf");
        TinyJpegLm.writeWithProfile(huge, 3, new JpegProfile(25, Subsampling.GRAY, 1, 8192, 8192));
        Path refusal = dir.resolve("huge.log");
        Process q =
                child(refusal, java.util.Map.of(), List.of("-Xmx512m"), "serve", "-m", huge.toString(), "--port", "0");
        assertTrue(q.waitFor(2, TimeUnit.MINUTES));
        String err = CliRefusesTest.read(refusal);
        assertEquals(1, q.exitValue(), err);
        assertTrue(err.contains("error: one 8192x8192 image holds about") && err.contains("-Xmx"), err);
        assertTrue(!err.contains("\tat "), err);
    }

    /** {@code jpeglm serve args} run on another thread: the command (to stop it), what it says on err, its exit. */
    private record Serving(ServeCommand command, StringWriter err, CompletableFuture<Integer> exit) {
        static Serving start(String... args) {
            StringWriter err = new StringWriter();
            CommandLine cl = JpeglmCli.commandLine();
            cl.setErr(new PrintWriter(err, true));
            ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
            String[] all = Stream.concat(Stream.of("serve"), Stream.of(args)).toArray(String[]::new);
            return new Serving(serve, err, CompletableFuture.supplyAsync(() -> cl.execute(all)));
        }
    }

    private static HttpResponse<String> post(HttpClient client, URI base, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(base.resolve("v1/images/generations"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A child JVM running the CLI with args, its environment changed by env, its output in log. */
    private static Process child(Path log, java.util.Map<String, String> env, String... args) throws Exception {
        return child(log, env, List.of(), args);
    }

    /** child(log, env, args) with jvmOptions. */
    private static Process child(Path log, java.util.Map<String, String> env, List<String> jvmOptions, String... args)
            throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        if (System.getProperty("jpeglm.library.path") != null) {
            command.add("-Djpeglm.library.path=" + System.getProperty("jpeglm.library.path"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), JpeglmCli.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        b.environment().remove("JPEGLM_API_KEY");
        b.environment().putAll(env);
        return b.start();
    }

    private static CompletableFuture<String> streamAsync(HttpClient client, URI base, String body) {
        return client.sendAsync(
                        HttpRequest.newBuilder(base.resolve("v1/images/generations"))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .thenApply(HttpResponse::body);
    }

    /** Waits until the server's one sequence is busy. */
    private static void awaitBusy(HttpClient client, URI base) throws Exception {
        for (int i = 0; i < 3000; i++) {
            String health = client.send(
                            HttpRequest.newBuilder(base.resolve("health")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            if (health.contains("\"slots_processing\":1")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the first request never started");
    }

    private static HttpResponse<String> awaitStatus(HttpClient client, URI uri, int status) throws Exception {
        HttpResponse<String> res = null;
        for (int i = 0; i < 500; i++) {
            res = client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == status) {
                return res;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(uri + " never answered " + status + ": " + (res == null ? null : res.body()));
    }

    /** The address a child server printed in log, once it is listening. */
    private static URI awaitListening(Path log, Process p) throws InterruptedException {
        Pattern listening = Pattern.compile("listening on (http://\\S+/)");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = listening.matcher(CliRefusesTest.read(log));
            if (m.find()) {
                return URI.create(m.group(1));
            }
            if (!p.isAlive()) {
                throw new AssertionError("serve ended with " + p.exitValue() + ": " + CliRefusesTest.read(log));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("serve did not start: " + CliRefusesTest.read(log));
    }

    /** The address the server printed, once it is listening. */
    private static URI awaitListening(StringWriter err, CompletableFuture<Integer> exit) throws InterruptedException {
        Pattern listening = Pattern.compile("listening on (http://\\S+/)");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = listening.matcher(err.toString());
            if (m.find()) {
                return URI.create(m.group(1));
            }
            if (exit.isDone()) {
                throw new AssertionError("serve ended with " + exit.join() + ": " + err);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("serve did not start: " + err);
    }
}
