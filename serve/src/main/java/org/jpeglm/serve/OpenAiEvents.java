package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.Generated;

/**
 * A stream's events as OpenAI's image API sends them, for its SDKs ({@code images.generate} with {@code stream}), which
 * read every event as one of OpenAI's types: {@code image_generation.partial_image} for a preview and
 * {@code image_generation.completed} for each finished image, in OpenAI's fields, with jpeglm's beside them (the
 * image's {@code index}, {@code seed} and summary, a preview's MCUs). Progress has no OpenAI event and is not sent;
 * the stream ends after the last image (a failure is the {@code error} event, as in jpeglm's stream).
 *
 * <p>OpenAI's settings are said as they were taken: {@code size} as the request asked it ("auto" when it did not say),
 * {@code quality} "auto" (the model's own JPEG quality, whatever was asked), {@code background} "opaque" (JPEG has no
 * transparency). One writer thread uses an instance.
 *
 * @param <R> the codec's result
 */
final class OpenAiEvents<R extends Generated> {
    static final String PARTIAL_IMAGE = "image_generation.partial_image";
    static final String COMPLETED = "image_generation.completed";

    private final GenerationParams<?> params;
    private final ResultJson<R> json;
    private final int[] partials; // partial images sent, per image

    OpenAiEvents(GenerationParams<?> params, ResultJson<R> json) {
        this.params = params;
        this.json = json;
        this.partials = new int[params.request().count()];
    }

    /** The OpenAI event for e, if OpenAI's stream has one. */
    Optional<Sse> of(Event<R> e) {
        return switch (e) {
            case Event.Progress<R> p -> Optional.empty();
            case Event.Preview<R> p -> Optional.of(new Sse(PARTIAL_IMAGE, partialImage(p)));
            case Event.Finished<R> f -> Optional.of(new Sse(COMPLETED, completed(f.result())));
        };
    }

    /** An event's name (its type) and data. */
    record Sse(String type, ObjectNode data) {}

    private ObjectNode partialImage(Event.Preview<R> p) {
        ObjectNode data = settings().put("partial_image_index", partials[p.index()]++);
        return data.setAll(json.preview(p, params.format()));
    }

    private ObjectNode completed(R img) {
        ObjectNode data = settings();
        data.set("usage", json.usage(img));
        return data.setAll(json.result(img, params.format(), params.seed()));
    }

    private ObjectNode settings() {
        return Json.object()
                .put("created_at", System.currentTimeMillis() / 1000)
                .put("size", params.size())
                .put("quality", "auto")
                .put("background", "opaque");
    }
}
