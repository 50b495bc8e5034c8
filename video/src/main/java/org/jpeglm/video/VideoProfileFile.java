package org.jpeglm.video;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jpeglm.io.AtomicFile;

/**
 * {@value #FILE_NAME}: a video model checkpoint's profile beside its {@code config.json}, which the converter
 * writes into the GGUF. Keys as in the GGUF without the {@code jpeglm.video.} prefix, plus {@code codec}.
 */
public final class VideoProfileFile {
    public static final String FILE_NAME = "jpeglm_video_profile.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private VideoProfileFile() {}

    /** The profile as JSON text. */
    public static String toJson(VideoProfile p) {
        ObjectNode o = JSON.createObjectNode()
                .put("codec", p.codec())
                .put("width", p.width())
                .put("height", p.height())
                .put("fps", p.fps())
                .put("frames", p.frames())
                .put("qp", p.qp())
                .put("pixel_format", p.pixelFormat())
                .put("encoder", p.encoder());
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the profile to file (atomically). */
    public static void write(Path file, VideoProfile p) throws IOException {
        AtomicFile.write(file, toJson(p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * Reads a profile file.
     *
     * @throws IOException naming the file and the missing, malformed or invalid field
     */
    public static VideoProfile read(Path file) throws IOException {
        JsonNode o;
        try {
            o = JSON.readTree(Files.readString(file));
        } catch (JsonProcessingException e) {
            throw new IOException(file + " is not JSON: " + e.getOriginalMessage(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IOException(file + " does not hold a JSON object");
        }
        try {
            return new VideoProfile(
                    text(o, "codec"),
                    number(o, "width"),
                    number(o, "height"),
                    number(o, "fps"),
                    number(o, "frames"),
                    number(o, "qp"),
                    text(o, "pixel_format"),
                    text(o, "encoder"));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string");
        }
        return v.asText();
    }

    private static int number(JsonNode o, String key) {
        JsonNode v = o.get(key);
        if (v == null || !v.isInt()) {
            throw new IllegalArgumentException("'" + key + "' must be an integer");
        }
        return v.intValue();
    }
}
