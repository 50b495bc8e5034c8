package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jpeglm.serve.RawHttp.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A client's protocol mistakes, sent over a raw socket as no HTTP library would: each is its 4xx with the documented
 * JSON error, exactly one log line (its access-log line: no stack trace, no warning), and counted under its status in
 * /metrics, never as a 500; the server answers a well-formed request afterwards. Jetty's own refusals (400, 414,
 * 431, 505) included. The server has its default limits (32 MiB bodies, 64 images a request: forms of 128 parts).
 */
class ServerProtocolErrorsTest {
    private static final String GENERATIONS = "/v1/images/generations";
    private static final String SCORES = "/v1/images/scores";
    private static final int MIB = 1 << 20;

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, 2, b -> {});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> mistakes() {
        String json = "application/json";
        return Stream.of(
                Arguments.of(
                        "a body shorter than its Content-Length",
                        GENERATIONS,
                        400,
                        post(GENERATIONS, json, 100, "{\"n\": 1")),
                Arguments.of(
                        "a multipart body shorter than its Content-Length",
                        SCORES,
                        400,
                        post(
                                SCORES,
                                form(),
                                5000,
                                "--BB\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a\"\r\n\r\nxx")),
                Arguments.of("a chunk size ZZ", GENERATIONS, 400, chunked(GENERATIONS, json, "ZZ\r\nabc\r\n0\r\n\r\n")),
                Arguments.of(
                        "a chunked body that stops mid-chunk",
                        GENERATIONS,
                        400,
                        chunked(GENERATIONS, json, "10\r\n{\"n\"")),
                Arguments.of("5,000 form fields", SCORES, 413, post(SCORES, form(), fields(5000, false))),
                Arguments.of("1,200 image parts", SCORES, 413, post(SCORES, form(), fields(1200, true))),
                Arguments.of("a 33 MiB chunked form", SCORES, 413, chunked(SCORES, form(), chunks(bigForm(33 * MIB)))),
                Arguments.of(
                        "a 33 MiB chunked JSON body",
                        GENERATIONS,
                        413,
                        chunked(GENERATIONS, json, chunks(bigJson(33 * MIB)))),
                Arguments.of("a 33 MiB form with its length", SCORES, 413, post(SCORES, form(), bigForm(33 * MIB))),
                Arguments.of(
                        "a Content-Length that is no number",
                        GENERATIONS,
                        400,
                        bytes("POST " + GENERATIONS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n{}")),
                Arguments.of(
                        "two Content-Lengths",
                        GENERATIONS,
                        400,
                        bytes("POST " + GENERATIONS
                                + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}")),
                Arguments.of(
                        "a request line of control characters (Jetty's 400)",
                        "other",
                        400,
                        bytes("\u0001\u0002 x\r\n\r\n")),
                Arguments.of(
                        "a 20,000-character URI (Jetty's 414)",
                        "other",
                        414,
                        bytes("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")),
                Arguments.of(
                        "20 KB of headers (Jetty's 431)",
                        "/health",
                        431,
                        bytes("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n")),
                Arguments.of(
                        "HTTP/3.0 (Jetty's 505)",
                        "other",
                        505,
                        bytes("GET /health HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aProtocolMistakeIsItsOwn4xxLoggedOnceAndCounted(String what, String endpoint, int status, byte[] request)
            throws Exception {
        long counted = count(endpoint, status);
        long failures = count500s();
        try (LogCapture log = new LogCapture()) {
            Answer a = RawHttp.send(server.server.port(), request);
            assertEquals(status, a.status(), what + ": " + a);
            assertTrue(a.header("Content-Type").startsWith("application/json"), a.toString());
            JsonNode error = TestServer.JSON.readTree(a.body()).get("error");
            assertEquals(status, error.get("code").asInt(), a.toString());
            assertTrue(error.get("message").asText().length() > 10, a.toString());
            String id = a.header(RequestIds.HEADER);
            assertNotNull(id, "every answer has a request id: " + a);
            List<String> mine = log.await("id=" + id + " ");
            assertEquals(1, mine.size(), "one line for the request: " + log.lines());
            assertTrue(mine.getFirst().contains(" status=" + status + " "), mine.toString());
            Thread.sleep(100); // a stack trace or a warning would come at about the same time as the line
            List<String> others = log.lines().stream()
                    .filter(l -> !l.contains(" INFO access - id=")) // other requests' lines (the test's own)
                    .toList();
            assertEquals(List.of(), others, "nothing but access-log lines: no warning, no stack trace");
        }
        assertEquals(counted + 1, count(endpoint, status), "counted under its status");
        assertEquals(failures, count500s(), "not a 500");
        assertEquals(200, server.postJson(GENERATIONS, "{\"seed\": 1}").statusCode(), "the server goes on");
    }

    @Test
    void aJsonErrorBodyNamesJettysReason() throws Exception {
        Answer a = RawHttp.send(server.server.port(), bytes("GET /health HTTP/3.0\r\nHost: 127.0.0.1\r\n\r\n"));
        JsonNode error = TestServer.JSON.readTree(a.body()).get("error");
        assertEquals("server_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains("HTTP/1.1"), error.toString());
        assertTrue(error.get("field").isNull());
    }

    private static long count(String endpoint, int status) {
        return server.metric("jpeglm_http_requests_total", "endpoint", endpoint, "status", Integer.toString(status));
    }

    private static long count500s() {
        return server.metrics().samples().stream()
                .filter(s -> s.name().equals("jpeglm_http_requests_total")
                        && s.labels().get("status").equals("500"))
                .mapToLong(s -> (long) s.value())
                .sum();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String form() {
        return "multipart/form-data; boundary=BB";
    }

    /** A POST whose head announces length body bytes, followed by body. */
    static byte[] post(String path, String type, long length, String body) {
        return bytes("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type + "\r\nContent-Length: "
                + length + "\r\n\r\n" + body);
    }

    static byte[] post(String path, String type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type
                + "\r\nContent-Length: " + body.length + "\r\n\r\n"));
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] chunked(String path, String type, String chunks) {
        return chunked(path, type, bytes(chunks));
    }

    static byte[] chunked(String path, String type, byte[] chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type
                + "\r\nTransfer-Encoding: chunked\r\n\r\n"));
        out.writeBytes(chunks);
        return out.toByteArray();
    }

    /** body in chunks of 64 KiB, then the last chunk. */
    static byte[] chunks(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < body.length; i += 1 << 16) {
            int n = Math.min(1 << 16, body.length - i);
            out.writeBytes(bytes(Integer.toHexString(n) + "\r\n"));
            out.write(body, i, n);
            out.writeBytes(bytes("\r\n"));
        }
        out.writeBytes(bytes("0\r\n\r\n"));
        return out.toByteArray();
    }

    /** A form of n parts: text fields, or image files. */
    static byte[] fields(int n, boolean files) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append("--BB\r\nContent-Disposition: form-data; name=\"")
                    .append(files ? "image\"; filename=\"a.png\"" : "f" + i + "\"")
                    .append("\r\n\r\nx\r\n");
        }
        return bytes(s.append("--BB--\r\n").toString());
    }

    /** A form of one image part of size bytes. */
    static byte[] bigForm(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 200);
        out.writeBytes(bytes("--BB\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n"));
        out.writeBytes(new byte[size]);
        out.writeBytes(bytes("\r\n--BB--\r\n"));
        return out.toByteArray();
    }

    /** A JSON object of size bytes (spaces). */
    static byte[] bigJson(int size) {
        byte[] b = new byte[size];
        java.util.Arrays.fill(b, (byte) ' ');
        b[0] = '{';
        b[size - 1] = '}';
        return b;
    }
}
