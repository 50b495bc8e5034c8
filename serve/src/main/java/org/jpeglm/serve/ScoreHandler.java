package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jpeglm.image.ImageScore;
import org.jpeglm.image.ImageService;
import org.jpeglm.serve.RequestFields.Kind;

/**
 * {@code POST /v1/images/scores}: how likely the model finds uploaded images, in bits per byte of their JPEG stream
 * and bits per image. Scoring runs in the image service's session, between its steps (see
 * {@link ImageService#score}): no second context.
 */
final class ScoreHandler {
    static final Map<String, Kind> FIELDS = Map.of("model", Kind.STRING, "image", Kind.IMAGES);

    private final ImageService service;
    private final ServedModel model;
    private final ServeOptions options;
    private final UploadedImages decoder;
    private final Metrics metrics;

    ScoreHandler(ImageService service, ServedModel model, ServeOptions options, Metrics metrics) {
        this.service = service;
        this.model = model;
        this.options = options;
        this.decoder = new UploadedImages(options.maxImagePixels());
        this.metrics = metrics;
    }

    void scores(Context ctx) throws InterruptedException {
        RequestFields f = RequestFields.read(ctx, FIELDS);
        f.text("model", model.id());
        List<byte[]> files = f.images("image");
        if (files.size() > options.maxImagesPerRequest()) {
            throw ApiException.badField(
                    "image",
                    files.size() + " images; this server scores at most " + options.maxImagesPerRequest()
                            + " per request");
        }
        List<ImageScore> scores = score(decoder.decode("image", files));
        ArrayNode data = Json.array();
        double bits = 0;
        long bytes = 0;
        for (int i = 0; i < scores.size(); i++) {
            ImageScore s = scores.get(i);
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

    private List<ImageScore> score(List<BufferedImage> images) throws InterruptedException {
        CompletableFuture<List<ImageScore>> scores;
        try {
            scores = service.score(images);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField("image", e.getMessage());
        }
        return GenerationHandler.await(scores, metrics, "scoring");
    }
}
