package org.jpeglm.codec.jpeg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.jpeglm.io.AtomicFile;
import org.jpeglm.jpeg.JpegFormatException;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegTables;
import org.jpeglm.jpeg.Subsampling;

/**
 * The JPEG profile file of a Jpeg-LM checkpoint, {@code jpeglm_profile.json}: how the training images were turned
 * into byte streams, so the converted model can turn generated streams back into images.
 *
 * <pre>
 * {
 *   "format": "jpeglm-profile",      optional; if present exactly this
 *   "version": 1,                    optional; if present 1
 *   "quality": 25,                   IJG quality 1..100
 *   "subsampling": "4:2:0",          "4:2:0", "4:4:4", "gray" (1 component, 2x2 factors, as Pillow saves L
 *                                    images with subsampling 4:2:0) or "gray-1x1"
 *   "restart_interval": 1,           MCUs per restart interval (0: none)
 *   "width": 256, "height": 256,     the image size trained on
 *   "tables_file": "tables.jpg",     optional: a JPEG (complete or tables-only) whose DQT/DHT tables the encoder
 *                                    used, relative to this file
 *   "tables_base64": "/9j/2wBD..."   optional, instead of tables_file: such a JPEG in base64
 * }
 * </pre>
 *
 * Without tables the IJG tables of the quality are used (what libjpeg, Pillow and cjpeg write for that quality).
 * Keys starting with {@code _} are comments; any other key is an error, so a typo is not silently ignored.
 */
public final class JpegProfileFile {
    public static final String FILE_NAME = "jpeglm_profile.json";
    public static final String FORMAT = "jpeglm-profile";
    public static final int VERSION = 1;

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();
    private static final Set<String> KEYS = Set.of(
            "format",
            "version",
            "quality",
            "subsampling",
            "restart_interval",
            "width",
            "height",
            "tables_file",
            "tables_base64");

    private JpegProfileFile() {}

    /**
     * Profile fields, any of which may be unset (null): a file's content, or command-line overrides.
     *
     * @param tables explicit tables, or null for the quality's IJG tables
     * @param source where explicit tables came from, for messages
     */
    public record Fields(
            Integer quality,
            Subsampling subsampling,
            Integer restartInterval,
            Integer width,
            Integer height,
            JpegTables tables,
            String source) {
        public static final Fields EMPTY = new Fields(null, null, null, null, null, null, null);

        /** Every field of profile (tables as given, may be null). */
        public static Fields of(JpegProfile profile, JpegTables tables, String source) {
            return new Fields(
                    profile.quality(),
                    profile.subsampling(),
                    profile.restartInterval(),
                    profile.width(),
                    profile.height(),
                    tables,
                    source);
        }

        /**
         * These fields with every set field of overrides replacing them. A new quality without new tables drops
         * these explicit tables (they belong to the old quality): the new quality's IJG tables are used.
         */
        public Fields overriddenBy(Fields o) {
            JpegTables t = o.tables != null ? o.tables : o.quality != null ? null : tables;
            String s = o.tables != null ? o.source : o.quality != null ? null : source;
            return new Fields(
                    o.quality != null ? o.quality : quality,
                    o.subsampling != null ? o.subsampling : subsampling,
                    o.restartInterval != null ? o.restartInterval : restartInterval,
                    o.width != null ? o.width : width,
                    o.height != null ? o.height : height,
                    t,
                    s);
        }

        public boolean isEmpty() {
            return equals(EMPTY);
        }

        /** The JSON key of the first field a complete profile needs that is unset, if any. */
        public Optional<String> missingKey() {
            return quality == null
                    ? Optional.of("quality")
                    : subsampling == null
                            ? Optional.of("subsampling")
                            : restartInterval == null
                                    ? Optional.of("restart_interval")
                                    : width == null
                                            ? Optional.of("width")
                                            : height == null ? Optional.of("height") : Optional.empty();
        }

        /**
         * The complete profile and its tables.
         *
         * @param where where the fields came from, for messages
         * @throws ProfileFileException naming a missing or bad field
         */
        public JpegLmSpecParts complete(String where) throws ProfileFileException {
            Optional<String> missing = missingKey();
            if (missing.isPresent()) {
                throw new ProfileFileException("the JPEG profile (" + where + ") lacks '" + missing.get()
                        + "': set it in " + FILE_NAME + " or override it");
            }
            JpegProfile profile;
            try {
                profile = new JpegProfile(quality, subsampling, restartInterval, width, height);
            } catch (IllegalArgumentException e) {
                throw new ProfileFileException("bad JPEG profile (" + where + "): " + e.getMessage());
            }
            if (!profile.hasSize()) {
                throw new ProfileFileException("bad JPEG profile (" + where
                        + "): a Jpeg-LM model is trained on one image size; width and height must be set");
            }
            JpegTables t = tables != null ? tables : profile.tables();
            if (tables != null) {
                checkTables(t, profile.subsampling(), source != null ? source : where);
            }
            return new JpegLmSpecParts(profile, t);
        }
    }

    /** A complete profile with the tables to put back. */
    public record JpegLmSpecParts(JpegProfile profile, JpegTables tables) {}

    /** The paper's profile: quality 25, 4:2:0, a restart marker after every MCU, 256x256, IJG tables. */
    public static Fields paper() {
        return Fields.of(JpegProfile.PAPER, null, null);
    }

    /** Reads a profile file; every field it has is checked, missing ones stay null. */
    public static Fields read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ProfileFileException("JPEG profile " + file + " does not exist");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ProfileFileException("JPEG profile " + file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ProfileFileException("JPEG profile " + file + " is not a JSON object");
        }
        String where = "JPEG profile " + file;
        for (String key : (Iterable<String>) root::fieldNames) {
            if (!KEYS.contains(key) && !key.startsWith("_")) {
                throw new ProfileFileException(
                        where + " has an unknown key '" + key + "' (known: format, version, quality, "
                                + "subsampling, restart_interval, width, height, tables_file, tables_base64; '_...' for comments)");
            }
        }
        if (root.has("format") && !root.get("format").asText().equals(FORMAT)) {
            throw new ProfileFileException(
                    where + ": format is " + root.get("format") + ", expected \"" + FORMAT + "\"");
        }
        if (root.has("version")
                && !(root.get("version").isIntegralNumber()
                        && root.get("version").asInt() == VERSION)) {
            throw new ProfileFileException(where + ": version " + root.get("version")
                    + " is not supported (this reads version " + VERSION + ")");
        }
        Subsampling sub = null;
        if (root.hasNonNull("subsampling")) {
            try {
                sub = JpegLmSpec.subsamplingOf(root.get("subsampling").asText());
            } catch (IllegalArgumentException e) {
                throw new ProfileFileException(where + ": subsampling " + root.get("subsampling")
                        + " is not one of 4:2:0, 4:4:4, gray, gray-1x1");
            }
        }
        JpegTables tables = null;
        String source = null;
        if (root.hasNonNull("tables_file") && root.hasNonNull("tables_base64")) {
            throw new ProfileFileException(where + " has both tables_file and tables_base64; give one");
        }
        if (root.hasNonNull("tables_file")) {
            Path t = tablesFile(file, root.get("tables_file"), where);
            tables = readTables(t);
            source = t.toString();
        } else if (root.hasNonNull("tables_base64")) {
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(root.get("tables_base64").asText());
            } catch (IllegalArgumentException e) {
                throw new ProfileFileException(where + ": tables_base64 is not base64: " + e.getMessage());
            }
            tables = parseTables(bytes, where + " tables_base64");
            source = where + " tables_base64";
        }
        return new Fields(
                integer(root, "quality", where),
                sub,
                integer(root, "restart_interval", where),
                integer(root, "width", where),
                integer(root, "height", where),
                tables,
                source);
    }

    /** The tables file named by value, beside the profile file. */
    private static Path tablesFile(Path file, JsonNode value, String where) throws ProfileFileException {
        if (!value.isTextual()) {
            throw new ProfileFileException(where + ": tables_file must be a file name (a string), got " + value);
        }
        try {
            return file.toAbsolutePath().getParent().resolve(value.asText());
        } catch (InvalidPathException e) {
            throw new ProfileFileException(where + ": tables_file " + value + " is not a valid path: " + e.getReason());
        }
    }

    /** The DQT/DHT tables of a JPEG file (complete or tables-only). */
    public static JpegTables readTables(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new ProfileFileException("JPEG tables file " + file + " does not exist");
        }
        return parseTables(Files.readAllBytes(file), file.toString());
    }

    private static JpegTables parseTables(byte[] bytes, String where) throws ProfileFileException {
        try {
            JpegTables t;
            try {
                t = JpegTables.fromTablesOnlyJpeg(bytes);
            } catch (JpegFormatException notTablesOnly) {
                t = JpegTables.from(bytes); // a complete JPEG
            }
            if (t.isEmpty()) {
                throw new ProfileFileException(where + " holds no DQT or DHT tables");
            }
            return t;
        } catch (JpegFormatException e) {
            throw new ProfileFileException(where + " is not a JPEG with tables: " + e.getMessage());
        }
    }

    private static void checkTables(JpegTables t, Subsampling s, String where) throws ProfileFileException {
        int ids = s.isGray() ? 1 : 2;
        for (int id = 0; id < ids; id++) {
            String part = id == 0 ? "luma" : "chroma";
            if (t.quant(id) == null) {
                throw new ProfileFileException("the JPEG tables (" + where + ") lack quantization table " + id
                        + ", which " + JpegLmSpec.subsamplingName(s) + " needs for " + part);
            }
            if (t.dc(id) == null || t.ac(id) == null) {
                throw new ProfileFileException("the JPEG tables (" + where + ") lack the DC or AC Huffman table " + id
                        + ", which " + JpegLmSpec.subsamplingName(s) + " needs for " + part);
            }
        }
    }

    private static Integer integer(JsonNode root, String key, String where) throws ProfileFileException {
        JsonNode v = root.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new ProfileFileException(where + ": '" + key + "' must be a non-negative integer, got " + v);
        }
        return v.asInt();
    }

    /** The JSON text of a profile file for profile, with tables embedded as base64 when given. */
    public static String toJson(JpegProfile profile, JpegTables tables) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("quality", profile.quality());
        root.put("subsampling", JpegLmSpec.subsamplingName(profile.subsampling()));
        root.put("restart_interval", profile.restartInterval());
        root.put("width", profile.width());
        root.put("height", profile.height());
        if (tables != null) {
            root.put("tables_base64", Base64.getEncoder().encodeToString(tables.toTablesOnlyJpeg()));
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@link #toJson} to file, atomically. */
    public static void write(Path file, JpegProfile profile, JpegTables tables) throws IOException {
        AtomicFile.write(file, toJson(profile, tables).getBytes(StandardCharsets.UTF_8));
    }
}
