package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jpeglm.serve.HttpMutations.Fuzzed;
import org.jpeglm.serve.RawHttp.Answer;
import org.jpeglm.testing.TinyJpegLm;

/**
 * Fuzzing the server's request parser and its multipart path over real connections: well-formed requests of every
 * endpoint with mistakes in their request line, headers, framing (Content-Length, chunks), a form's parts and raw
 * bytes ({@link HttpMutations}). Whatever arrives, the answer is a 2xx, or a 4xx with the JSON error body, or the
 * connection closed without one; never a 5xx, never a stack trace in the log; and afterwards the server answers a
 * well-formed request.
 */
class ServerFuzzProperties {
    private static Path dir;
    private static TestServer server;
    private static LogCapture log;
    private static List<HttpMutations.Template> templates;

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("jpeglm-serve-fuzz");
        // Small limits so that the long edits reach them; few images so that a request that is valid stays quick.
        server = TestServer.start(dir, 2, b -> b.maxBodyBytes(256 << 10).maxImagesPerRequest(4));
        templates = HttpMutations.templates(TestServer.png(TinyJpegLm.picture(1)));
        log = new LogCapture();
    }

    @AfterContainer
    static void stop() throws IOException {
        try {
            log.close();
            List<String> bad = log.lines().stream()
                    .filter(l -> l.contains(" ERROR ")
                            || l.contains(" WARN ")
                            || l.startsWith("\tat ")
                            || l.contains("Exception"))
                    .toList();
            assertEquals(List.of(), bad, "no warning, error or stack trace was logged");
            assertEquals(
                    200,
                    server.postJson("/v1/images/generations", "{\"seed\": 1}").statusCode());
            assertEquals(0, fiveHundreds(), "no 5xx but 505 was counted");
        } finally {
            server.close();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Provide
    Arbitrary<Fuzzed> requests() {
        return HttpMutations.requests(templates);
    }

    @Provide
    Arbitrary<Fuzzed> forms() {
        return HttpMutations.forms(templates.stream()
                .filter(t -> t.contentType() != null && t.contentType().startsWith("multipart/"))
                .toList());
    }

    @Property(tries = 300)
    void anyRequestIsAnsweredWithoutA5xx(@ForAll("requests") Fuzzed request) throws Exception {
        check(request);
    }

    @Property(tries = 200)
    void anyFormIsAnsweredWithoutA5xx(@ForAll("forms") Fuzzed request) throws Exception {
        check(request);
    }

    private static void check(Fuzzed request) throws Exception {
        Answer a = RawHttp.send(server.server.port(), request.bytes());
        // 0: the connection closed without an answer; 499: the server took the client's half-close (the fuzzer's end
        // of the request) for its leaving, and cancelled the work: both allowed.
        if (a.status() != 0 && a.status() != GenerationHandler.CLIENT_CLOSED) {
            // 505: Jetty's refusal of a request line whose version it cannot read (e.g. cut in two), a JSON error too.
            assertTrue(a.status() >= 200 && a.status() < 500 || a.status() == 505, () -> a + "\nfor " + request);
            if (a.status() >= 300) {
                assertTrue(a.header("Content-Type").startsWith("application/json"), () -> a + "\nfor " + request);
                JsonNode error = TestServer.JSON.readTree(a.body()).get("error");
                assertEquals(a.status(), error.get("code").asInt(), () -> a + "\nfor " + request);
            }
        }
        assertEquals(200, server.get("/health").statusCode(), () -> "the server stopped answering after " + request);
    }

    private static long fiveHundreds() {
        return server.metrics().samples().stream()
                .filter(s -> s.name().equals("jpeglm_http_requests_total")
                        && s.labels().get("status").startsWith("5")
                        && !s.labels().get("status").equals("505"))
                .mapToLong(s -> (long) s.value())
                .sum();
    }
}
