package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.ImageModel;
import org.jpeglm.testing.TinyJpegLm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The socket is bound before the model loads; what it refuses, it names in one sentence. */
class ServerBindingTest {
    @TempDir
    static Path dir;

    static ServeOptions.Builder options(String host, int port) {
        return ServeOptions.builder()
                .host(host)
                .port(port)
                .service(GenerationOptions.builder().parallel(1).threads(2).build());
    }

    @Test
    void aRequestMadeWhileTheModelLoadsIsAnsweredOnceItServes() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        TinyJpegLm.write(file, 3);
        try (ServerBinding binding = ServerBinding.bind(options("127.0.0.1", 0).build())) {
            int port = binding.port();
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CompletableFuture<HttpResponse<String>> early = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .timeout(Duration.ofMinutes(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(200); // the request waits in the socket's backlog: nothing serves yet
            assertEquals(false, early.isDone());
            try (ImageModel model = ImageModel.load(file);
                    ImageServer server = binding.start(model.codecModel())) {
                assertEquals(port, server.port());
                assertEquals(200, early.get().statusCode(), early.get().body());
            }
        }
    }

    @Test
    void aPortInUseIsNamedBeforeAnyModel() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            BindException e = assertThrows(
                    BindException.class,
                    () -> ServerBinding.bind(options("127.0.0.1", port).build()));
            assertEquals(
                    "cannot listen on 127.0.0.1:" + port + ": the port is in use (another server listens there; "
                            + "choose another port, or 0 for any free one)",
                    e.getMessage());
            Path file = dir.resolve("tiny-in-use.gguf");
            TinyJpegLm.write(file, 3);
            try (ImageModel model = ImageModel.load(file)) {
                UncheckedIOException u = assertThrows(
                        UncheckedIOException.class,
                        () -> ImageServer.start(
                                model.codecModel(), options("127.0.0.1", port).build()));
                assertEquals(e.getMessage(), u.getMessage(), "ImageServer.start says the same");
            }
        }
    }

    @Test
    void aBadHostIsNamed() {
        UnknownHostException unknown = assertThrows(
                UnknownHostException.class,
                () -> ServerBinding.bind(options("no-such-host.invalid", 0).build()));
        assertEquals(
                "cannot listen on no-such-host.invalid: no such host (the name does not resolve to an address)",
                unknown.getMessage());
        BindException foreign = assertThrows(
                BindException.class,
                () -> ServerBinding.bind(options("192.0.2.1", 0).build()));
        assertEquals("cannot listen on 192.0.2.1:0: 192.0.2.1 is not an address of this machine", foreign.getMessage());
    }

    @Test
    void closingAnUnusedBindingFreesThePort() throws Exception {
        int port;
        try (ServerBinding binding = ServerBinding.bind(options("127.0.0.1", 0).build())) {
            port = binding.port();
        }
        try (ServerBinding again = ServerBinding.bind(options("127.0.0.1", port).build())) {
            assertEquals(port, again.port());
        }
    }
}
