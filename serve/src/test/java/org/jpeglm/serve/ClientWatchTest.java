package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The watch's judgement of a client, over a real connection to Jetty. */
class ClientWatchTest {
    private final CompletableFuture<ClientWatch> watching = new CompletableFuture<>();
    private final CompletableFuture<AbstractEndPoint> endPoint = new CompletableFuture<>();
    private final CountDownLatch gone = new CountDownLatch(1);
    private final CountDownLatch answer = new CountDownLatch(1);
    private Javalin app;

    @BeforeEach
    void start() {
        app = Javalin.create(config -> config.routes.post("/", ctx -> {
            ctx.body(); // the body is read first, as the handlers do
            try (ClientWatch watch = ClientWatch.start(ctx.req(), gone::countDown)) {
                endPoint.complete((AbstractEndPoint) ServletContextRequest.getServletContextRequest(ctx.req())
                        .getConnectionMetaData()
                        .getConnection()
                        .getEndPoint());
                watching.complete(watch);
                answer.await(30, TimeUnit.SECONDS);
            }
            ctx.result("done");
        }));
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        answer.countDown();
        app.stop();
    }

    @Test
    void aWakeUpWithNothingToReadIsNotAClientGoneButItsEndIs() throws Exception {
        try (Socket client = request()) {
            ClientWatch watch = watching.get(30, TimeUnit.SECONDS);
            // The selector's wake-up with nothing behind it: Jetty hands the read interest to its callback, the watch.
            endPoint.get(30, TimeUnit.SECONDS).getFillInterest().fillable();
            assertFalse(gone.await(500, TimeUnit.MILLISECONDS), "one empty wake-up judged the client gone");
            assertFalse(watch.clientGone());
            client.close();
            assertTrue(gone.await(10, TimeUnit.SECONDS), "a client that closed was not noticed");
            assertTrue(watch.clientGone());
        }
    }

    @Test
    void aClientThatStaysIsNotGoneAndGetsItsAnswer() throws Exception {
        try (Socket client = request()) {
            ClientWatch watch = watching.get(30, TimeUnit.SECONDS);
            assertFalse(gone.await(300, TimeUnit.MILLISECONDS));
            answer.countDown();
            String reply = new String(client.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertTrue(reply.startsWith("HTTP/1.1 200"), reply);
            assertFalse(watch.clientGone());
        }
    }

    private Socket request() throws IOException {
        Socket s = new Socket("127.0.0.1", app.port());
        s.setSoTimeout(30_000);
        s.getOutputStream()
                .write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }
}
