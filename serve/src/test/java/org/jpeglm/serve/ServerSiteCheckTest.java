package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jpeglm.serve.RawHttp.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pages of other sites cannot use the server through a visitor's browser: a Host header that names another site (DNS
 * rebinding) is refused, and so is a form or text POST a browser marks as cross-site; curl and the SDKs (no Origin,
 * no Sec-Fetch-Site), the server's own page (same origin) and IP addresses pass. Sent over a raw socket, since the
 * JDK's client will not send a Host of one's choosing.
 */
class ServerSiteCheckTest {
    private static final String BODY = "{\"seed\": 1, \"max_tokens\": 4}";

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, 1, b -> {});
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Answer post(TestServer s, String type, String body, String... headers) throws Exception {
        StringBuilder h = new StringBuilder();
        boolean host = false;
        for (String header : headers) {
            h.append(header).append("\r\n");
            host |= header.startsWith("Host:");
        }
        if (!host) {
            h.append("Host: 127.0.0.1:").append(s.server.port()).append("\r\n");
        }
        String request = "POST /v1/images/generations HTTP/1.1\r\n" + h + "Content-Type: " + type
                + "\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        return RawHttp.send(s.server.port(), request.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    private static Answer get(TestServer s, String path, String host) throws Exception {
        return RawHttp.send(
                s.server.port(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    private static void assertRefused(Answer a, String words) throws Exception {
        assertEquals(403, a.status(), a.toString());
        JsonNode error = TestServer.JSON.readTree(a.body()).get("error");
        assertEquals("permission_error", error.get("type").asText());
        assertTrue(error.get("message").asText().contains(words), error.toString());
    }

    @Test
    void aHostOfAnotherSiteIsRefused() throws Exception {
        int port = server.server.port();
        assertRefused(get(server, "/v1/models", "evil.example:" + port), "allowed host");
        assertRefused(get(server, "/health", "evil.example"), "evil.example");
        assertRefused(get(server, "/", "rebind.attacker.test:" + port), "allowed host");
        assertRefused(post(server, "application/json", BODY, "Host: evil.example"), "allowed host");
        for (String host : List.of(
                "127.0.0.1:" + port,
                "localhost:" + port,
                "LOCALHOST",
                "app.localhost:" + port,
                "[::1]:" + port,
                "192.168.1.20:" + port,
                "localhost.")) {
            assertEquals(200, get(server, "/v1/models", host).status(), host);
        }
    }

    @Test
    void addedNamesAreAllowedAndAStarAllowsAny() throws Exception {
        Path other = Files.createDirectories(dir.resolve("named"));
        try (TestServer named = TestServer.start(other, 1, b -> b.allowedHosts(List.of("Images.Example.COM")))) {
            assertEquals(200, get(named, "/health", "images.example.com").status());
            assertEquals(200, get(named, "/health", "images.example.com:8080").status());
            assertRefused(get(named, "/health", "example.com"), "allowed host");
        }
        Path any = Files.createDirectories(dir.resolve("any"));
        try (TestServer open = TestServer.start(any, 1, b -> b.allowedHosts(List.of("*")))) {
            assertEquals(200, get(open, "/health", "whatever.example").status());
        }
    }

    @Test
    void crossSiteFormAndTextPostsAreRefused() throws Exception {
        long images = server.server.stats().done();
        assertRefused(
                post(server, "text/plain", BODY, "Origin: http://evil.example", "Sec-Fetch-Site: cross-site"),
                "cross-site");
        assertRefused(
                post(server, "application/x-www-form-urlencoded", BODY, "Sec-Fetch-Site: same-site"), "cross-site");
        assertRefused(
                post(server, "multipart/form-data; boundary=x", "--x--\r\n", "Origin: http://evil.example"),
                "cross-site");
        assertRefused(post(server, "text/plain", BODY, "Origin: null"), "cross-site");
        assertRefused(
                post(server, "text/plain", BODY, "Origin: http://localhost:1"),
                "cross-site"); // another port: another site
        assertEquals(images, server.server.stats().done(), "none of them ran");
    }

    @Test
    void sameOriginBrowsersCurlAndJsonPass() throws Exception {
        String origin = "Origin: http://127.0.0.1:" + server.server.port();
        assertEquals(200, post(server, "text/plain", BODY).status(), "curl -d: no Origin");
        assertEquals(
                200, post(server, "application/x-www-form-urlencoded", BODY).status(), "curl -d's own type");
        assertEquals(
                200,
                post(server, "text/plain", BODY, origin, "Sec-Fetch-Site: same-origin")
                        .status(),
                "the page");
        assertEquals(200, post(server, "text/plain", BODY, origin).status(), "an older browser on the same origin");
        assertEquals(
                200, post(server, "text/plain", BODY, "Sec-Fetch-Site: none").status(), "typed by its user");
        // JSON from another origin: a browser asks first (CORS preflight), and the server grants nothing, so only
        // clients that are no browser get this far; it is not refused.
        assertEquals(
                200,
                post(server, "application/json", BODY, "Origin: http://evil.example", "Sec-Fetch-Site: cross-site")
                        .status());
    }
}
