package org.jpeglm.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jpeglm.serve.RequestFields.Kind;

/**
 * The fields OpenAI's image clients send that mean nothing to an unconditional Jpeg-LM, and what the server makes of
 * them, so that those clients work with only their base URL changed. Each is checked (a wrong type or an unknown
 * value is still a 400) and none changes the images; what a client might expect to matter and did not is said back
 * in the answer's {@code warnings}.
 *
 * <ul>
 *   <li>{@code prompt}: the model has no text input. Empty: nothing to say (OpenAI's SDK always sends a prompt);
 *       any other text is ignored, with a warning.
 *   <li>{@code model}: one model is served, whatever the name (as llama-server does); another name gets a warning.
 *   <li>{@code quality} (auto, standard, hd, low, medium, high) and {@code style} (vivid, natural): the model writes
 *       JPEG at the quality it was trained on, in its own style; taken, no effect.
 *   <li>{@code user}: an end user's id for the provider's abuse monitoring; taken, not stored.
 *   <li>{@code partial_images} (0 to 3): with {@code stream}, how many previews of each image are sent, evenly spaced
 *       (fewer when the image is done first, as OpenAI's may be).
 * </ul>
 *
 * <p>A stream ({@code stream: true}) is of OpenAI's events ({@link OpenAiEvents}) when the request names a prompt, as
 * every OpenAI client does (OpenAI requires one) and jpeglm's own clients do not, or when it asks {@code events:
 * "openai"}; otherwise of jpeglm's own (progress, preview, image, done). OpenAI's SDKs read every event of a stream
 * as one of OpenAI's types, so the two cannot be mixed.
 */
final class OpenAiFields {
    static final List<String> QUALITIES = List.of("auto", "standard", "hd", "low", "medium", "high");
    static final List<String> STYLES = List.of("vivid", "natural");
    static final int MAX_PARTIAL_IMAGES = 3;

    private OpenAiFields() {}

    /** Adds these fields to an endpoint's. */
    static void addTo(Map<String, Kind> fields) {
        fields.put("prompt", Kind.STRING);
        fields.put("quality", Kind.STRING);
        fields.put("style", Kind.STRING);
        fields.put("user", Kind.STRING);
        fields.put("partial_images", Kind.INTEGER);
        fields.put("events", Kind.STRING);
    }

    /** Whether f's stream is of OpenAI's events: events "openai", or by default when it names a prompt. */
    static boolean openAiEvents(RequestFields f) {
        String byDefault = f.has("prompt") ? "openai" : "jpeglm";
        return f.choice("events", byDefault, List.of("openai", "jpeglm")).equals("openai");
    }

    /** Checks them in f; returns the warnings for the answer (none when nothing was ignored that could matter). */
    static List<String> check(RequestFields f, ServedModel model) {
        f.choice("quality", "auto", QUALITIES);
        f.choice("style", "vivid", STYLES);
        f.text("user", "");
        List<String> warnings = new ArrayList<>();
        String prompt = f.text("prompt", "");
        if (!prompt.isBlank()) {
            warnings.add("prompt ignored: " + model.id() + " is an unconditional " + model.noun()
                    + " model (no text input); it draws " + model.noun() + "s like its training set's");
        }
        String name = f.text("model", model.id());
        if (!name.equals(model.id())) {
            warnings.add("model '" + name + "' is not served here; " + model.id() + " answered (this server has one)");
        }
        return List.copyOf(warnings);
    }
}
