package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import org.jpeglm.Model;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ServiceOptions;
import org.jpeglm.jpeg.JpegProfile;

/**
 * The model the server runs and the facts about it that requests are checked against and {@code /v1/models} shows.
 *
 * @param id the model's name for clients: its file name
 * @param image the model
 * @param contextLength tokens an image may take, prompt included (the generator's context)
 * @param mcus MCUs of one image
 * @param created when the server began to serve it, in Unix seconds (OpenAI's clients need the field; llama-server
 *     gives the time too)
 */
record ServedModel(String id, ImageModel image, int contextLength, int mcus, long created) {
    ServedModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
    }

    /** The facts of image as served with a context of contextLength tokens (the service's). */
    static ServedModel of(ImageModel image, int contextLength) {
        JpegProfile p = image.spec().profile();
        return new ServedModel(
                image.model().path().getFileName().toString(),
                image,
                contextLength,
                p.mcuCount(p.width(), p.height()),
                Instant.now().getEpochSecond());
    }

    JpegProfile profile() {
        return image.spec().profile();
    }

    /** MCUs in one row of the image (MCUs are square, so a one-pixel-high strip has one row). */
    int mcusPerRow() {
        return profile().mcuCount(profile().width(), 1);
    }

    /** The OpenAI-style model entry, with the model's metadata, JPEG profile and how it is served under "meta". */
    ObjectNode json(ServiceOptions service) {
        Model m = image.model();
        JpegProfile p = profile();
        ObjectNode profile = Json.object()
                .put("width", p.width())
                .put("height", p.height())
                .put("quality", p.quality())
                .put("subsampling", p.subsampling().name())
                .put("restart_interval", p.restartInterval())
                .put("mcus", mcus)
                .put("mcus_per_row", mcusPerRow());
        ObjectNode meta = Json.object()
                .put("description", m.description())
                .put("parameters", m.parameterCount())
                .put("size_bytes", m.sizeBytes())
                .put("layers", m.layers())
                .put("embedding_length", m.embeddingLength())
                .put("heads", m.heads())
                .put("vocab_size", m.vocabSize())
                .put("context_length", contextLength)
                .put("parallel", service.parallel())
                .put("deterministic", service.deterministic());
        meta.set("profile", profile);
        ObjectNode entry = Json.object()
                .put("id", id)
                .put("object", "model")
                .put("created", created)
                .put("owned_by", "jpeglm");
        entry.set("meta", meta);
        return entry;
    }
}
