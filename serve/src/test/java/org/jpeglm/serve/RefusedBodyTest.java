package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A body refused as too large (413) before it is read is read and dropped (up to {@link RefusedBodies#DRAIN_BYTES}),
 * so the client that is still sending it gets the answer and its connection stays usable: ServerErrorsTest's 413
 * check saw a reset instead of the answer under load, when the connection closed on a body still arriving.
 */
class RefusedBodyTest {
    private static final int LIMIT = 64 << 10;

    @TempDir
    static Path dir;

    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(dir, 1, b -> b.maxBodyBytes(LIMIT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aRefusedBodyStillArrivingIsReadAndTheConnectionServesTheNextRequest() throws Exception {
        byte[] body = new byte[3 * LIMIT];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[body.length - 1] = '}';
        String head = "POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        String next = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", server.base.getPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            // The body's second half comes after a pause, as a slow upload's does: the server answers from the
            // headers, and only a drain keeps the connection for the request after it.
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body, 0, body.length / 2);
                    out.flush();
                    Thread.sleep(300);
                    out.write(body, body.length / 2, body.length - body.length / 2);
                    out.write(next.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Exception e) {
                    // the server closed the connection: the reads below fail the test
                }
            });
            InputStream in = s.getInputStream();
            RawHttp.Answer refused = RawHttp.read(in);
            assertEquals(413, refused.status(), refused.toString());
            RawHttp.Answer health = RawHttp.read(in);
            assertEquals(200, health.status(), "the connection serves the next request: " + health);
            writer.join();
        }
    }

    @Test
    void aClientWaitingForContinueIsNotAskedForABodyTheServerWouldDrop() throws Exception {
        String head = "POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Expect: 100-continue\r\nContent-Length: " + (3 * LIMIT) + "\r\n\r\n";
        try (Socket s = new Socket("127.0.0.1", server.base.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            RawHttp.Answer refused = RawHttp.read(s.getInputStream());
            assertEquals(413, refused.status(), "no 100 Continue first: " + refused);
            assertEquals("close", refused.header("Connection"), refused.toString());
        }
    }
}
