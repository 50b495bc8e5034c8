package org.jpeglm.serve;

import io.javalin.Javalin;
import java.net.URI;
import java.util.HashSet;
import java.util.Objects;
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

    /** Starts serving model as options say; returns once the port is bound. */
    public static ImageServer start(ImageModel model, ServeOptions options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        ImageService service = ImageService.start(model, options.service());
        ServedModel served = ServedModel.of(model, service.contextLength());
        try {
            Metrics metrics = new Metrics(new HashSet<>(Routes.ENDPOINTS));
            Routes.Handlers handlers = new Routes.Handlers(
                    new GenerationHandler(service, served, options, metrics),
                    new ScoreHandler(service, served, options, metrics),
                    new InfoHandler(service, served, options, metrics),
                    new Auth(options.apiKey(), options.maxBodyBytes()),
                    metrics);
            Javalin app = Javalin.create(config -> Routes.configure(config, options, handlers));
            app.start();
            return new ImageServer(service, app);
        } catch (RuntimeException | Error e) {
            service.close();
            throw e;
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
        return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/");
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
