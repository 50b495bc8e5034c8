package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jpeglm.codec.Score;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageService;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.serve.RequestFields.Kind;

/**
 * {@code POST /v1/images/scores}: how likely the model finds uploaded images, in bits per byte of their JPEG stream
 * and bits per image. Scoring runs in the image service's session, between its steps (see
 * {@link ImageService#score}): no second context. As for generations, {@link ClientWatch} watches the connection
 * once the body is read: a client that leaves has its images dropped, those not decoded or scored yet.
 */
final class ScoreHandler {
    static final Map<String, Kind> FIELDS = Map.of("model", Kind.STRING, "image", Kind.IMAGES);

    private final ImageService service;
    private final ServedModel model;
    private final ServeOptions options;
    private final UploadedImages decoder;
    private final Metrics metrics;
    private final HeapBudget heap;

    ScoreHandler(ImageService service, ServedModel model, ServeOptions options, Metrics metrics, HeapBudget heap) {
        this.service = service;
        this.model = model;
        this.options = options;
        this.decoder = new UploadedImages(options.maxImagePixels());
        this.metrics = metrics;
        this.heap = heap;
    }

    void scores(Context ctx) throws InterruptedException {
        RequestFields f = RequestFields.read(ctx, FIELDS, options.maxBodyBytes());
        f.text("model", model.id());
        List<byte[]> files = f.images("image");
        if (files.size() > options.maxImagesPerRequest()) {
            throw ApiException.badField(
                    "image",
                    files.size() + " images; this server scores at most " + options.maxImagesPerRequest()
                            + " per request");
        }
        JpegProfile p = model.profile();
        CompletableFuture<List<Score>> pending = new CompletableFuture<>();
        ClientWatch watch = ClientWatch.start(ctx.req(), leaving(pending));
        List<Score> scores;
        try (HeapBudget.Reservation reserved = heap.reserve(
                files.size(),
                GeneratedImage.decodedBytes(p),
                "image",
                "images fitted to " + p.width() + "x" + p.height(),
                GenerationHandler.retryAfter(service.stats()))) {
            scores = score(decoder.decode("image", files), pending);
        } catch (ApiException e) {
            if (watch.clientGone()) {
                ctx.status(GenerationHandler.CLIENT_CLOSED); // nobody reads the answer: the status is for the metrics
                return;
            }
            throw e;
        } finally {
            watch.close(); // before the answer: Jetty must be free to read the connection after it
        }
        ctx.attribute(AccessLog.IMAGES, scores.size());
        ArrayNode data = Json.array();
        double bits = 0;
        long bytes = 0;
        for (int i = 0; i < scores.size(); i++) {
            Score s = scores.get(i);
            data.add(Json.object()
                    .put("index", i)
                    .put("bits", s.bits())
                    .put("bits_per_byte", s.bitsPerByte())
                    .put("nats_per_token", s.natsPerToken())
                    .put("tokens", s.tokens())
                    .put("bytes", s.bytes()));
            bits += s.bits();
            bytes += s.bytes();
        }
        ObjectNode body = Json.object().put("model", model.id());
        body.set("data", data);
        body.put("bits_per_byte", bits / bytes).put("bits_per_image", bits / scores.size());
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    /**
     * The images' scores. pending stands for them until they are submitted, and is cancelled if the client leaves:
     * then the images are not submitted, or the service drops those not scored yet.
     */
    private List<Score> score(List<BufferedImage> images, CompletableFuture<List<Score>> pending)
            throws InterruptedException {
        if (pending.isCancelled()) { // the client left while its images were decoded: score none
            throw new ApiException(GenerationHandler.CLIENT_CLOSED, null, "the client left");
        }
        CompletableFuture<List<Score>> scores;
        try {
            scores = service.score(images);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField("image", e.getMessage());
        } catch (IllegalStateException closed) {
            throw Drain.shuttingDown();
        }
        pending.whenComplete((r, e) -> scores.cancel(false)); // completes only when cancelled: the client left
        return GenerationHandler.await(scores, metrics, "scoring");
    }

    /** What is done when the client goes away: its scoring cancelled, the disconnect counted once. */
    private Runnable leaving(CompletableFuture<List<Score>> pending) {
        return () -> {
            if (pending.cancel(false)) {
                metrics.disconnected();
            }
        };
    }
}
