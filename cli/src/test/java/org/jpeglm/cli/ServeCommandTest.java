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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.testing.TinyJpegLm;
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

        StringWriter err = new StringWriter();
        CommandLine cl = JpeglmCli.commandLine();
        cl.setErr(new PrintWriter(err, true));
        ServeCommand serve = (ServeCommand) cl.getSubcommands().get("serve").getCommand();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
                cl.execute("serve", "-m", model.toString(), "--port", "0", "-np", "4", "-t", "2", "--api-key", "k"));
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
