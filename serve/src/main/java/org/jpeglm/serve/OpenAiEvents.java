package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.jpeglm.image.GeneratedImage;
import org.jpeglm.image.ImageEvent;

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
 */
final class OpenAiEvents {
    static final String PARTIAL_IMAGE = "image_generation.partial_image";
    static final String COMPLETED = "image_generation.completed";

    private final GenerationParams params;
    private final int[] partials; // partial images sent, per image

    OpenAiEvents(GenerationParams params) {
        this.params = params;
        this.partials = new int[params.request().count()];
    }

    /** The OpenAI event for e, if OpenAI's stream has one. */
    Optional<Event> of(ImageEvent e) {
        return switch (e) {
            case ImageEvent.Progress p -> Optional.empty();
            case ImageEvent.Preview p -> Optional.of(new Event(PARTIAL_IMAGE, partialImage(p)));
            case ImageEvent.Finished f -> Optional.of(new Event(COMPLETED, completed(f.image())));
        };
    }

    /** An event's name (its type) and data. */
    record Event(String type, ObjectNode data) {}

    private ObjectNode partialImage(ImageEvent.Preview p) {
        ObjectNode data = settings().put("partial_image_index", partials[p.index()]++);
        return data.setAll(ImageJson.preview(p, params.png()));
    }

    private ObjectNode completed(GeneratedImage img) {
        ObjectNode data = settings();
        data.set("usage", ImageJson.usage(img.promptTokens(), img.tokens()));
        return data.setAll(ImageJson.image(img, params.png(), params.seed()));
    }

    private ObjectNode settings() {
        return Json.object()
                .put("created_at", System.currentTimeMillis() / 1000)
                .put("size", params.size())
                .put("quality", "auto")
                .put("background", "opaque");
    }
}
