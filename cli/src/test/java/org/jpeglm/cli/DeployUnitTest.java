package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jpeglm.testing.ChildProcess;
import org.jpeglm.testing.PrebuiltRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28: deploy/jpeglm@.service as written. systemd checks it ({@code systemd-analyze verify}: these machines have
 * no systemd to run it), and its ExecStart, with its Environment lines and an instance's port, serves the bundled
 * model, is ready, and on SIGTERM (its KillSignal) drains and exits within TimeoutStopSec with a status it counts as
 * success. Only the jar is swapped for this build's class path.
 */
class DeployUnitTest {
    private static final Path ROOT = PrebuiltRuntime.root();
    private static final Path UNIT = ROOT.resolve("deploy/jpeglm@.service");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{(\\w+)}|\\$(\\w+)");

    @TempDir
    Path dir;

    @Test
    void systemdAcceptsTheUnit() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assertTrue(
                Files.isExecutable(analyze),
                "systemd-analyze is not installed: scripts/install-prerequisites --test installs it");
        Files.copy(UNIT, dir.resolve("jpeglm@.service"));
        Files.createSymbolicLink(dir.resolve("jpeglm@8081.service"), Path.of("jpeglm@.service"));
        Process p = new ProcessBuilder(
                        analyze.toString(),
                        "verify",
                        "--man=no",
                        dir.resolve("jpeglm@8081.service").toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(1, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "systemd-analyze has something to say about the unit");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void itsCommandServesAndDrainsOnItsKillSignal() throws Exception {
        Map<String, List<String>> unit = directives(Files.readString(UNIT));
        assertEquals(List.of("SIGTERM"), unit.get("KillSignal"));
        Map<String, String> env = new HashMap<>();
        for (String line : unit.get("Environment")) {
            String[] kv = line.split("=", 2);
            env.put(kv[0], kv[1]);
        }
        env.put("JPEGLM_MODEL", ROOT.resolve("models/fashion-mnist-32.gguf").toString());
        env.put("JPEGLM_SERVE_ARGS", "--drain-seconds 2 --max-images 8");
        env.put("JPEGLM_CACHE_DIR", dir.resolve("cache").toString());
        int port = freePort();
        List<String> command = command(unit.get("ExecStart").getFirst(), env, port);

        try (ChildProcess p = ChildProcess.start("jpeglm@" + port, command, env, dir.resolve("serve.log"))) {
            URI base = URI.create("http://127.0.0.1:" + port + "/");
            awaitReady(p, base);
            p.terminate();
            long stopSeconds = Long.parseLong(unit.get("TimeoutStopSec").getFirst());
            assertTrue(p.awaitExit(Duration.ofSeconds(stopSeconds)), "it exits within TimeoutStopSec");
            List<String> success = new ArrayList<>(List.of("0"));
            success.addAll(
                    Arrays.asList(unit.get("SuccessExitStatus").getFirst().split("\\s+")));
            assertTrue(
                    success.contains(Integer.toString(p.exitValue())),
                    "exit " + p.exitValue() + " is not one systemd counts as success: " + p.output());
        }
    }

    /** The unit's directives by name, each value in the order written. */
    private static Map<String, List<String>> directives(String unit) {
        Map<String, List<String>> directives = new HashMap<>();
        for (String line : unit.lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#") && !line.startsWith("[")) {
                String[] kv = line.split("=", 2);
                directives.computeIfAbsent(kv[0], k -> new ArrayList<>()).add(kv[1]);
            }
        }
        return directives;
    }

    /**
     * ExecStart as systemd runs it: %i the port, ${NAME} one word, $NAME split at white space; java this JVM's, and
     * the jar this build's class path.
     */
    private static List<String> command(String execStart, Map<String, String> env, int port) {
        List<String> words = new ArrayList<>();
        for (String word : execStart.replace("%i", Integer.toString(port)).split("\\s+")) {
            Matcher m = VARIABLE.matcher(word);
            if (m.matches() && m.group(2) != null) {
                words.addAll(Arrays.stream(env.getOrDefault(m.group(2), "").split("\\s+"))
                        .filter(w -> !w.isEmpty())
                        .toList());
            } else {
                words.add(m.replaceAll(r ->
                        Matcher.quoteReplacement(env.getOrDefault(r.group(1) != null ? r.group(1) : r.group(2), ""))));
            }
        }
        assertTrue(Files.isExecutable(Path.of(words.getFirst())), "ExecStart's java: " + words.getFirst());
        words.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        int jar = words.indexOf("-jar");
        assertEquals(env.get("JPEGLM_JAR"), words.get(jar + 1));
        List<String> classPath = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path")));
        if (System.getProperty("jpeglm.library.path") != null) {
            classPath.addFirst("-Djpeglm.library.path=" + System.getProperty("jpeglm.library.path"));
        }
        classPath.add(JpeglmCli.class.getName());
        words.subList(jar, jar + 2).clear();
        words.addAll(jar, classPath);
        return words;
    }

    private static void awaitReady(ChildProcess p, URI base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "the replica ended: " + p.output());
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(base.resolve("ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("never ready: " + p.output());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
