package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.Service;
import org.jpeglm.serve.RequestFields.Kind;
import org.jpeglm.video.Video;
import org.jpeglm.video.VideoProfile;

/**
 * {@code POST /v1/images/scores} and {@code /v1/videos/scores}: how likely the model finds uploaded images (or
 * videos), in bits per byte of their stream under the model's profile (a pixel model's: bits per pixel, a symbol a
 * pixel) and bits per image (video). Scoring runs in the
 * service's session, between its steps (see {@link Service#score}): no second context. As for generations,
 * {@link ClientWatch} watches the connection once the body is read: a client that leaves has its uploads dropped,
 * those not decoded or scored yet.
 *
 * @param <A> the codec's artefact: an image or a video
 */
final class ScoreHandler<A> {
    /** Turns a field's uploaded files into artefacts, a bad one a 400 naming the field. */
    interface Uploads<A> {
        List<A> decode(String field, List<byte[]> files);
    }

    private final Service<A, ?> service;
    private final ServedModel model;
    private final ServeOptions options;
    private final Metrics metrics;
    private final HeapBudget heap;
    private final String field;
    private final Map<String, Kind> fields;
    private final long bytesEach;
    private final String what;
    private final String symbol; // what a stream's byte is: "byte", or "pixel" for a pixel model
    private final Uploads<A> uploads;

    /**
     * @param field the field the uploads come in ("image", "video"), also the noun of the answer's totals
     * @param bytesEach heap one decoded upload holds until answered
     * @param what what the uploads become, for a refusal: "images fitted to 32x32"
     */
    ScoreHandler(
            Service<A, ?> service,
            ServedModel model,
            ServeOptions options,
            Metrics metrics,
            HeapBudget heap,
            String field,
            long bytesEach,
            String what,
            Uploads<A> uploads) {
        this.service = service;
        this.model = model;
        this.options = options;
        this.metrics = metrics;
        this.heap = heap;
        this.field = field;
        this.fields = Map.of("model", Kind.STRING, field, Kind.IMAGES);
        this.bytesEach = bytesEach;
        this.what = what;
        this.symbol = model.isPixels() ? "pixel" : "byte";
        this.uploads = uploads;
    }

    /** The image endpoint's (jpeg and pixel models): uploads decoded by ImageIO, fitted to the model's size. */
    static ScoreHandler<BufferedImage> images(
            Service<BufferedImage, ?> service,
            ServedImages<?> images,
            ServedModel model,
            ServeOptions options,
            Metrics metrics,
            HeapBudget heap) {
        UploadedImages decoder = new UploadedImages(options.maxImagePixels());
        return new ScoreHandler<>(
                service,
                model,
                options,
                metrics,
                heap,
                "image",
                images.decodedBytes(),
                "images fitted to " + model.width() + "x" + model.height(),
                decoder::decode);
    }

    /** The video endpoint's: uploads read by ffmpeg as the profile's frames. */
    static ScoreHandler<Video> videos(
            Service<Video, ?> service, ServedModel model, ServeOptions options, Metrics metrics, HeapBudget heap) {
        VideoProfile p = model.video();
        return new ScoreHandler<>(
                service,
                model,
                options,
                metrics,
                heap,
                "video",
                VideoHandler.bytesPerPrompt(p),
                "videos fitted to " + p.width() + "x" + p.height() + ", " + p.frames() + " frames",
                new UploadedVideos(p)::decode);
    }

    void scores(Context ctx) throws InterruptedException {
        RequestFields f = RequestFields.read(ctx, fields, options.maxBodyBytes());
        f.text("model", model.id());
        List<byte[]> files = f.files(field, model.noun());
        if (files.size() > options.maxImagesPerRequest()) {
            throw ApiException.badField(
                    field,
                    files.size() + " " + field + "s; this server scores at most " + options.maxImagesPerRequest()
                            + " per request");
        }
        CompletableFuture<List<Score>> pending = new CompletableFuture<>();
        ClientWatch watch = ClientWatch.start(ctx.req(), leaving(pending));
        List<Score> scores;
        try (HeapBudget.Reservation reserved =
                heap.reserve(files.size(), bytesEach, field, what, GenerationHandler.retryAfter(service.stats()))) {
            scores = score(uploads.decode(field, files), pending);
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
                    .put("bits_per_" + symbol, s.bitsPerByte())
                    .put("nats_per_token", s.natsPerToken())
                    .put("tokens", s.tokens())
                    .put(symbol + "s", s.bytes()));
            bits += s.bits();
            bytes += s.bytes();
        }
        ObjectNode body = Json.object().put("model", model.id());
        body.set("data", data);
        body.put("bits_per_" + symbol, bits / bytes).put("bits_per_" + field, bits / scores.size());
        ctx.contentType("application/json").result(Json.bytes(body));
    }

    /**
     * The images' scores. pending stands for them until they are submitted, and is cancelled if the client leaves:
     * then the images are not submitted, or the service drops those not scored yet.
     */
    private List<Score> score(List<A> artefacts, CompletableFuture<List<Score>> pending) throws InterruptedException {
        if (pending.isCancelled()) { // the client left while its images were decoded: score none
            throw new ApiException(GenerationHandler.CLIENT_CLOSED, null, "the client left");
        }
        CompletableFuture<List<Score>> scores;
        try {
            scores = service.score(artefacts);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(field, e.getMessage());
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
