package org.jpeglm.serve;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.util.HashSet;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ImageService;
import org.jpeglm.image.ServiceStats;

/**
 * jpeglm's HTTP server: one model, one continuously batched {@link ImageService} shared by every request, the image
 * endpoints (generations, completions, scores; JSON or Server-Sent Events), models, health, Prometheus metrics, and
 * the web page at {@code /}. Closing it stops listening, cancels every image still running and frees the contexts;
 * the model stays the caller's.
 */
public final class ImageServer implements AutoCloseable {
    private final ImageService service;
    private final Javalin app;

    private ImageServer(ImageService service, Javalin app) {
        this.service = service;
        this.app = app;
    }

    /**
     * Starts serving model as options say; returns once the port is bound. A port in use or a bad host is an
     * {@link UncheckedIOException} naming it; {@link ServerBinding} finds those before a model is loaded.
     */
    public static ImageServer start(ImageModel model, ServeOptions options) {
        Objects.requireNonNull(model, "model");
        try {
            return ServerBinding.bind(options).start(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** Serves model on channel, bound as options say; the server owns the channel, closed also when this fails. */
    static ImageServer start(ImageModel model, ServeOptions options, ServerSocketChannel channel) {
        ImageService service;
        try {
            service = ImageService.start(model, options.service());
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, e);
            throw e;
        }
        ServedModel served = ServedModel.of(model, service.contextLength());
        try {
            Metrics metrics = new Metrics(new HashSet<>(Routes.ENDPOINTS));
            Routes.Handlers handlers = new Routes.Handlers(
                    new GenerationHandler(service, served, options, metrics),
                    new ScoreHandler(service, served, options, metrics),
                    new InfoHandler(service, served, options, metrics),
                    new Auth(options.apiKey(), options.maxBodyBytes()),
                    metrics);
            Javalin app = Javalin.create(config -> {
                Routes.configure(config, options, handlers);
                config.jetty.addConnector((server, http) -> connector(server, http, options, channel));
            });
            app.start();
            return new ImageServer(service, app);
        } catch (RuntimeException | Error e) {
            closeQuietly(channel, e);
            service.close();
            throw e;
        }
    }

    /** Jetty's HTTP connector on the channel bound already. */
    private static ServerConnector connector(
            Server server, HttpConfiguration http, ServeOptions options, ServerSocketChannel channel) {
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost(options.host());
        try {
            connector.open(channel);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return connector;
    }

    private static void closeQuietly(ServerSocketChannel channel, Throwable failure) {
        try {
            channel.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /** The shared service's counters now: requests, images, tokens/s, queue, sequences at work. */
    public ServiceStats stats() {
        return service.stats();
    }

    /** Its image service, for tests that must hold the scheduler still. */
    ImageService service() {
        return service;
    }

    /** The port it listens on (the one chosen when options asked for 0). */
    public int port() {
        return app.port();
    }

    /** The address of its page, e.g. {@code http://127.0.0.1:8080/}. */
    public URI uri(String host) {
        return URI.create("http://" + hostPort(host, port()) + "/");
    }

    /** host:port, an IPv6 address in brackets. */
    static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public void close() {
        try {
            service.close(); // first: cancels the tasks, so streams end instead of holding the server's stop
        } finally {
            app.stop();
        }
    }
}
