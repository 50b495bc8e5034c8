package org.jpeglm.codec.igpt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.io.AtomicFile;

/**
 * {@value #FILE_NAME}: a pixel model checkpoint's profile beside its {@code config.json} and
 * {@code tokenizer.json}, which the converter writes into the GGUF ({@link IgptSpec}'s keys).
 *
 * <pre>
 * {
 *   "format": "jpeglm-igpt-profile",    exactly this
 *   "version": 1,                       1
 *   "codec": "igpt",                    "igpt" (the tokenizer has no merges) or "bpe-igpt" (it has some)
 *   "width": 28, "height": 28,          the image size
 *   "channels": 1,                      1 (gray) or 3 (RGB)
 *   "palette": [0, 17, 34, ..., 255]    K·channels values 0..255, 2 ≤ K ≤ 256
 * }
 * </pre>
 *
 * Keys starting with {@code _} are comments; any other unknown key is an error, so a typo is not ignored.
 */
public final class IgptProfileFile {
    public static final String FILE_NAME = "jpeglm_igpt_profile.json";
    public static final String FORMAT = "jpeglm-igpt-profile";
    public static final int VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final List<String> KEYS =
            List.of("format", "version", "codec", "width", "height", "channels", "palette");

    private IgptProfileFile() {}

    /** A profile file's content: the codec it names and the profile. */
    public record Contents(String codec, IgptProfile profile) {
        public Contents {
            Objects.requireNonNull(profile, "profile");
            if (!IgptSpec.IGPT.equals(codec) && !IgptSpec.BPE_IGPT.equals(codec)) {
                throw new IllegalArgumentException(
                        "codec is '" + codec + "', not " + IgptSpec.IGPT + " or " + IgptSpec.BPE_IGPT);
            }
        }

        /**
         * The spec of this profile with tokenizer.
         *
         * @throws IllegalArgumentException if the tokenizer does not fit the palette, or its merges the codec
         */
        public IgptSpec spec(BpeTokenizer tokenizer) {
            IgptSpec spec = new IgptSpec(profile, tokenizer);
            if (!spec.codec().equals(codec)) {
                throw new IllegalArgumentException("the profile's codec is " + codec + " but the tokenizer has "
                        + tokenizer.mergeCount() + " merges (" + IgptSpec.IGPT + ": none, " + IgptSpec.BPE_IGPT
                        + ": some)");
            }
            return spec;
        }
    }

    /** The file's JSON text. */
    public static String toJson(Contents contents) {
        IgptProfile p = contents.profile();
        ObjectNode root = MAPPER.createObjectNode()
                .put("format", FORMAT)
                .put("version", VERSION)
                .put("codec", contents.codec())
                .put("width", p.width())
                .put("height", p.height())
                .put("channels", p.channels());
        ArrayNode palette = root.putArray("palette");
        for (byte b : p.palette().entries()) {
            palette.add(b & 0xFF);
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the file, atomically. */
    public static void write(Path file, Contents contents) throws IOException {
        AtomicFile.write(file, toJson(contents).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads a profile file.
     *
     * @throws IOException naming the file and the missing, unknown or invalid key
     */
    public static Contents read(Path file) throws IOException {
        String where = "igpt profile " + file;
        if (!Files.isRegularFile(file)) {
            throw new IOException(where + " does not exist");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(where + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException(where + " is not a JSON object");
        }
        for (String key : (Iterable<String>) root::fieldNames) {
            if (!KEYS.contains(key) && !key.startsWith("_")) {
                throw new IOException(where + " has an unknown key '" + key + "' (known: " + String.join(", ", KEYS)
                        + "; '_...' for comments)");
            }
        }
        if (!FORMAT.equals(text(root, "format", where))) {
            throw new IOException(where + ": format is " + root.get("format") + ", expected \"" + FORMAT + "\"");
        }
        if (integer(root, "version", where) != VERSION) {
            throw new IOException(where + ": version " + root.get("version") + " is not supported (this reads version "
                    + VERSION + ")");
        }
        try {
            Palette palette = Palette.of(integer(root, "channels", where), palette(root, where));
            IgptProfile profile =
                    new IgptProfile(integer(root, "width", where), integer(root, "height", where), palette);
            return new Contents(text(root, "codec", where), profile);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String key, String where) throws IOException {
        JsonNode v = root.get(key);
        if (v == null || !v.isTextual()) {
            throw new IOException(where + ": '" + key + "' must be a string, got " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode root, String key, String where) throws IOException {
        JsonNode v = root.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new IOException(where + ": '" + key + "' must be a non-negative integer, got " + v);
        }
        return v.asInt();
    }

    private static byte[] palette(JsonNode root, String where) throws IOException {
        JsonNode v = root.get("palette");
        if (v == null || !v.isArray()) {
            throw new IOException(where + ": 'palette' must be an array of values 0..255, got " + v);
        }
        byte[] out = new byte[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = v.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt() || e.asInt() < 0 || e.asInt() > 255) {
                throw new IOException(where + ": palette[" + i + "] must be 0..255, got " + e);
            }
            out[i] = (byte) e.asInt();
        }
        return out;
    }
}
