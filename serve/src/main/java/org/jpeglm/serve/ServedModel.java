package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import org.jpeglm.Model;
import org.jpeglm.avclm.VideoModel;
import org.jpeglm.image.ImageModel;
import org.jpeglm.image.ServiceOptions;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.video.VideoProfile;

/**
 * The model the server runs and the facts about it that requests are checked against and {@code /v1/models} shows:
 * an image model (codec jpeg, {@link #profile()}) or a video model (codec h264, {@link #video()}).
 *
 * @param id the model's name for clients: its file name
 * @param model the loaded model
 * @param profile the JPEG profile of an image model; null for a video model
 * @param video the video profile of a video model; null for an image model
 * @param contextLength tokens a result may take, prompt included (the service's context)
 * @param created when the server began to serve it, in Unix seconds (OpenAI's clients need the field; llama-server
 *     gives the time too)
 */
record ServedModel(String id, Model model, JpegProfile profile, VideoProfile video, int contextLength, long created) {
    ServedModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        if ((profile == null) == (video == null)) {
            throw new IllegalArgumentException("a served model is an image model or a video model");
        }
    }

    /** The facts of image as served with a context of contextLength tokens (the service's). */
    static ServedModel of(ImageModel image, int contextLength) {
        return new ServedModel(idOf(image.model()), image.model(), image.spec().profile(), null, contextLength, now());
    }

    /** The facts of a video model as served with a context of contextLength tokens (the service's). */
    static ServedModel of(VideoModel video, int contextLength) {
        return new ServedModel(idOf(video.model()), video.model(), null, video.profile(), contextLength, now());
    }

    private static String idOf(Model model) {
        return model.path().getFileName().toString();
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    boolean isVideo() {
        return video != null;
    }

    /** The codec its tokens mean, as the GGUF names it: "jpeg" or "h264". */
    String codec() {
        return isVideo() ? VideoProfile.H264 : "jpeg";
    }

    /** What one result is: "image" or "video". */
    String noun() {
        return isVideo() ? "video" : "image";
    }

    /** MCUs of one image. */
    int mcus() {
        return profile.mcuCount(profile.width(), profile.height());
    }

    /** MCUs in one row of the image (MCUs are square, so a one-pixel-high strip has one row). */
    int mcusPerRow() {
        return profile.mcuCount(profile.width(), 1);
    }

    /**
     * The OpenAI-style model entry, with the model's metadata, codec, profile (JPEG or video) and how it is served
     * under "meta".
     */
    ObjectNode json(ServiceOptions service) {
        Model m = model;
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
                .put("deterministic", service.deterministic())
                .put("codec", codec())
                .put("noun", noun());
        meta.set("profile", isVideo() ? videoProfile() : imageProfile());
        ObjectNode entry = Json.object()
                .put("id", id)
                .put("object", "model")
                .put("created", created)
                .put("owned_by", "jpeglm");
        entry.set("meta", meta);
        return entry;
    }

    private ObjectNode imageProfile() {
        return Json.object()
                .put("width", profile.width())
                .put("height", profile.height())
                .put("quality", profile.quality())
                .put("subsampling", profile.subsampling().name())
                .put("restart_interval", profile.restartInterval())
                .put("mcus", mcus())
                .put("mcus_per_row", mcusPerRow());
    }

    private ObjectNode videoProfile() {
        return Json.object()
                .put("width", video.width())
                .put("height", video.height())
                .put("frames", video.frames())
                .put("fps", video.fps())
                .put("qp", video.qp())
                .put("pixel_format", video.pixelFormat());
    }
}
