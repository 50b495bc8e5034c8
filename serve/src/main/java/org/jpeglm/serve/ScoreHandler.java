package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jpeglm.codec.Score;
import org.jpeglm.codec.Service;
import org.jpeglm.serve.RequestFields.Kind;

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
    private final Served<A, ?> s;
    private final String field;
    private final Map<String, Kind> fields;
    private final long bytesEach;
    private final String what;
    private final String symbol; // what a stream's byte is: "byte", or "pixel" for a pixel model
    private final Uploads<A> uploads;

    /**
     * Scores uploads in served's field ("image", "video", also the noun of the answer's totals), read by its
     * {@link Uploads} (ImageIO's images fitted to the model's size; ffmpeg's videos as the profile's frames).
     */
    ScoreHandler(Served<A, ?> served) {
        this.s = served;
        ServedCodec<A, ?> codec = served.codec();
        this.field = codec.uploadField();
        this.fields = Map.of("model", Kind.STRING, field, Kind.IMAGES);
        this.bytesEach = codec.decodedBytes();
        this.what = codec.noun() + "s fitted to " + codec.shape();
        this.symbol = served.model().isPixels() ? "pixel" : "byte";
        this.uploads = codec.uploads();
    }

    void scores(Context ctx) throws InterruptedException {
        RequestFields f = RequestFields.read(ctx, fields, s.options().maxBodyBytes());
        f.text("model", s.model().id());
        List<byte[]> files = f.files(field, s.model().noun());
        if (files.size() > s.options().maxImagesPerRequest()) {
            throw ApiException.badField(
                    field,
                    files.size() + " " + field + "s; this server scores at most "
                            + s.options().maxImagesPerRequest() + " per request");
        }
        CompletableFuture<List<Score>> pending = new CompletableFuture<>();
        ClientWatch watch = ClientWatch.start(ctx.req(), leaving(pending));
        List<Score> scores;
        try (HeapBudget.Reservation reserved = s.heap()
                .reserve(
                        files.size(),
                        bytesEach,
                        field,
                        what,
                        GenerationHandler.retryAfter(s.service().stats()))) {
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
        ObjectNode body = Json.object().put("model", s.model().id());
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
            scores = s.service().score(artefacts);
        } catch (IllegalArgumentException e) {
            throw ApiException.badField(field, e.getMessage());
        } catch (IllegalStateException closed) {
            throw Drain.shuttingDown();
        }
        pending.whenComplete((r, e) -> scores.cancel(false)); // completes only when cancelled: the client left
        return GenerationHandler.await(scores, s.metrics(), "scoring");
    }

    /** What is done when the client goes away: its scoring cancelled, the disconnect counted once. */
    private Runnable leaving(CompletableFuture<List<Score>> pending) {
        return () -> {
            if (pending.cancel(false)) {
                s.metrics().disconnected();
            }
        };
    }
}
