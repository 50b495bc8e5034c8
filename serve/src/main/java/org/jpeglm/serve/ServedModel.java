package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Objects;
import org.jpeglm.Model;
import org.jpeglm.codec.CodecModel;
import org.jpeglm.codec.GenerationOptions;
import org.jpeglm.codec.igpt.IgptProfile;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.video.VideoProfile;

/**
 * The model the server runs and the facts about it that requests are checked against and {@code /v1/models} shows:
 * an image model (codec jpeg, {@link #profile()}), a pixel model (codec igpt or bpe-igpt, {@link #pixels()}) or a
 * video model (codec h264, {@link #video()}). Image and pixel models both make images, served at the image routes.
 *
 * @param id the model's name for clients: its file name
 * @param model the loaded model
 * @param codec the codec its tokens mean, as the GGUF names it: "jpeg", "igpt", "bpe-igpt", "h264"
 * @param profile the JPEG profile of an image model; else null
 * @param pixels the pixel profile of a pixel model; else null
 * @param video the video profile of a video model; else null
 * @param contextLength tokens a result may take, prompt included (the service's context)
 * @param created when the server began to serve it, in Unix seconds (OpenAI's clients need the field; llama-server
 *     gives the time too)
 */
record ServedModel(
        String id,
        Model model,
        String codec,
        JpegProfile profile,
        IgptProfile pixels,
        VideoProfile video,
        int contextLength,
        long created) {
    ServedModel {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(codec, "codec");
        if ((profile != null ? 1 : 0) + (pixels != null ? 1 : 0) + (video != null ? 1 : 0) != 1) {
            throw new IllegalArgumentException("a served model is an image, a pixel or a video model");
        }
    }

    /**
     * The facts of model as served with a context of contextLength tokens (the service's): its one profile, of an
     * image (jpeg), a pixel (igpt, bpe-igpt) or a video (h264) model, the others null.
     */
    static ServedModel of(
            CodecModel<?, ?> model, JpegProfile profile, IgptProfile pixels, VideoProfile video, int contextLength) {
        return new ServedModel(
                idOf(model.model()), model.model(), model.codec().name(), profile, pixels, video, contextLength, now());
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

    /** Whether it is a pixel model (codec igpt or bpe-igpt): its images are written pixel by pixel. */
    boolean isPixels() {
        return pixels != null;
    }

    /** What one result is: "image" or "video". */
    String noun() {
        return isVideo() ? "video" : "image";
    }

    /** An image's width in pixels (image and pixel models). */
    int width() {
        return isPixels() ? pixels.width() : profile.width();
    }

    /** An image's height in pixels (image and pixel models). */
    int height() {
        return isPixels() ? pixels.height() : profile.height();
    }

    /** The units a result is written in, as answers name them: "mcus" (JPEG), "rows" (pixels), "frames" (video). */
    String unitKey() {
        return isVideo() ? "frames" : isPixels() ? "rows" : "mcus";
    }

    /** Units of one image: MCUs, or rows of pixels. */
    int units() {
        return isPixels() ? pixels.height() : profile.mcuCount(profile.width(), profile.height());
    }

    /** Units in one row of the image (MCUs are square, so a one-pixel-high strip has one row; a pixel row is one). */
    int unitsPerRow() {
        return isPixels() ? 1 : profile.mcuCount(profile.width(), 1);
    }

    /**
     * The OpenAI-style model entry, with the model's metadata, codec, profile (JPEG or video) and how it is served
     * under "meta".
     */
    ObjectNode json(GenerationOptions service) {
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
        meta.set("profile", isVideo() ? videoProfile() : isPixels() ? pixelProfile() : imageProfile());
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
                .put("mcus", units())
                .put("mcus_per_row", unitsPerRow());
    }

    private ObjectNode pixelProfile() {
        return Json.object()
                .put("width", pixels.width())
                .put("height", pixels.height())
                .put("channels", pixels.channels())
                .put("palette", pixels.palette().size())
                .put("rows", pixels.height());
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
