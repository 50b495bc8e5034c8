package org.jpeglm.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.image.ImageModel;
import org.jpeglm.testing.TinyJpegLm;

/**
 * A server on 127.0.0.1 and an ephemeral port over a tiny random Jpeg-LM (16×16 gray, 4 MCUs), or over a caller's
 * model of any codec ({@link #serve}), and a real HTTP client (java.net.http) to talk to it.
 */
final class TestServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** The tiny model it loaded, closed with it; null when it serves a caller's model. */
    final ImageModel model;

    final ImageServer server;
    final HttpClient client;
    final URI base;

    private TestServer(ImageModel model, ImageServer server) {
        this.model = model;
        this.server = server;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        this.base = server.uri("127.0.0.1");
    }

    /** The tiny model written into dir, served with -np parallel; tweak changes the options. */
    static TestServer start(Path dir, int parallel, Consumer<ServeOptions.Builder> tweak) throws IOException {
        Path file = dir.resolve("tiny.gguf");
        if (!file.toFile().exists()) {
            TinyJpegLm.write(file, 11);
        }
        ImageModel model = ImageModel.load(file);
        ServeOptions.Builder b = options(parallel);
        tweak.accept(b);
        try {
            return new TestServer(model, ImageServer.start(model.codecModel(), b.build()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * model (any codec; the caller's, closed by the caller after this) served with -np parallel -t 2, as the tests of
     * the video and pixel routes and the page run it.
     */
    static TestServer serve(CodecModel<?, ?> model, int parallel) {
        return new TestServer(null, ImageServer.start(model, options(parallel).build()));
    }

    /** A free port, -np parallel, -t 2, a queue of 1024. */
    private static ServeOptions.Builder options(int parallel) {
        return ServeOptions.builder()
                .port(0)
                .service(GenerationOptions.builder()
                        .parallel(parallel)
                        .threads(2)
                        .maxQueued(1024)
                        .build());
    }

    HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(5));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return b;
    }

    HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    HttpResponse<byte[]> post(String path, String contentType, byte[] body, String... headers) {
        return send(request(path, headers)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());
    }

    HttpResponse<byte[]> postJson(String path, String json, String... headers) {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** A streamed request's events, read to the end; the answer must be a 200 event stream. */
    List<Sse> stream(String path, String json) {
        try {
            HttpResponse<InputStream> res = client.send(
                    request(path)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                assertEquals(200, res.statusCode(), () -> "status of " + json);
                assertEquals(
                        "text/event-stream;charset=utf-8",
                        res.headers()
                                .firstValue("Content-Type")
                                .orElse("")
                                .replace(" ", "")
                                .toLowerCase());
                return Sse.readAll(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The server's /metrics now. */
    Exposition metrics() {
        return Exposition.parse(new String(get("/metrics").body(), StandardCharsets.UTF_8));
    }

    /** The value of a metric now (its sample with these labels, as name/value pairs), 0 when it has none yet. */
    long metric(String name, String... labels) {
        return (long) metrics().value(name, labels);
    }

    static JsonNode json(HttpResponse<byte[]> res) {
        try {
            return JSON.readTree(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + new String(res.body(), StandardCharsets.UTF_8), e);
        }
    }

    static BufferedImage decode(byte[] file) {
        try {
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(file));
            if (img == null) {
                throw new AssertionError("not an image file");
            }
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] base64(JsonNode node) {
        return Base64.getDecoder().decode(node.asText());
    }

    static byte[] png(BufferedImage image) {
        return org.jpeglm.jpeg.JpegImages.png(image);
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            if (model != null) {
                model.close();
            }
        }
    }

    /** One Server-Sent Event: its name and JSON data. */
    record Sse(String event, JsonNode data) {
        /** Reads events until the stream ends; comment lines are skipped. */
        static List<Sse> readAll(InputStream in) throws IOException {
            List<Sse> out = new ArrayList<>();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            Sse e;
            while ((e = next(r)) != null) {
                out.add(e);
            }
            return out;
        }

        /** The next event, or null at the end of the stream. */
        static Sse next(BufferedReader r) throws IOException {
            String event = null;
            StringBuilder data = new StringBuilder();
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isEmpty()) {
                    if (event != null) {
                        return new Sse(event, JSON.readTree(data.toString()));
                    }
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            return null;
        }
    }
}
