package org.jpeglm.codec.jpeg;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jpeglm.bpe.BpeGgufKey;
import org.jpeglm.bpe.BpeGgufMetadata;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.gguf.GgufMetadata;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;
import org.jpeglm.jpeg.JpegFormatException;
import org.jpeglm.jpeg.JpegProfile;
import org.jpeglm.jpeg.JpegTables;
import org.jpeglm.jpeg.Subsampling;

/**
 * What a Jpeg-LM model file says about its data, beside its weights: the JPEG profile its images were encoded
 * with, the quantization and Huffman tables to put back into generated streams, and its BPE tokenizer. A GGUF
 * file carries them under the {@code jpeglm.*} keys below, so the file alone is enough to generate images.
 *
 * <table>
 *   <caption>GGUF keys</caption>
 *   <tr><td>{@code jpeglm.format_version}</td><td>UINT32</td><td>1</td></tr>
 *   <tr><td>{@code jpeglm.jpeg.quality}</td><td>UINT32</td><td>IJG quality 1..100 (25 in the paper)</td></tr>
 *   <tr><td>{@code jpeglm.jpeg.subsampling}</td><td>STRING</td><td>{@code 4:2:0}, {@code 4:4:4}, {@code gray}
 *       (one component with 2×2 factors, as Pillow saves L images with 4:2:0) or {@code gray-1x1}</td></tr>
 *   <tr><td>{@code jpeglm.jpeg.restart_interval}</td><td>UINT32</td><td>MCUs per restart interval (1)</td></tr>
 *   <tr><td>{@code jpeglm.jpeg.width}, {@code .height}</td><td>UINT32</td><td>the image size trained on</td></tr>
 *   <tr><td>{@code jpeglm.jpeg.tables}</td><td>ARRAY[UINT8]</td><td>a tables-only JPEG (SOI, DQT, DHT, EOI);
 *       optional: the IJG tables of the quality when absent</td></tr>
 *   <tr><td>{@code jpeglm.bpe.*}</td><td></td><td>the tokenizer, see {@link BpeGgufKey}</td></tr>
 * </table>
 *
 * @param profile the JPEG profile, with the image size
 * @param tables the tables generated streams are completed with
 * @param tokenizer the byte-level BPE tokenizer, with BOS and EOS
 */
public record JpegLmSpec(JpegProfile profile, JpegTables tables, BpeTokenizer tokenizer) {
    public static final int FORMAT_VERSION = 1;
    public static final String FORMAT_VERSION_KEY = "jpeglm.format_version";
    public static final String QUALITY_KEY = "jpeglm.jpeg.quality";
    public static final String SUBSAMPLING_KEY = "jpeglm.jpeg.subsampling";
    public static final String RESTART_INTERVAL_KEY = "jpeglm.jpeg.restart_interval";
    public static final String WIDTH_KEY = "jpeglm.jpeg.width";
    public static final String HEIGHT_KEY = "jpeglm.jpeg.height";
    public static final String TABLES_KEY = "jpeglm.jpeg.tables";
    /** The key naming a model file's codec; absent (files predate it) or {@value #CODEC} in a Jpeg-LM file. */
    public static final String CODEC_KEY = "jpeglm.codec";
    /** This codec's value of {@value #CODEC_KEY}. */
    public static final String CODEC = "jpeg";

    public JpegLmSpec {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(tables, "tables");
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (!profile.hasSize()) {
            throw new IllegalArgumentException("a Jpeg-LM model is trained on one image size; the profile has none");
        }
        requireBosAndEos(tokenizer);
    }

    /** A Jpeg-LM (or Avc-LM) tokenizer needs BOS and EOS, and distinct ones. */
    static void requireBosAndEos(BpeTokenizer tokenizer) {
        if (tokenizer.bosId() < 0 || tokenizer.eosId() < 0) {
            throw new IllegalArgumentException("a Jpeg-LM tokenizer needs BOS and EOS tokens ("
                    + BpeGgufKey.BOS_ID.key() + ", " + BpeGgufKey.EOS_ID.key() + ")");
        }
        if (tokenizer.bosId() == tokenizer.eosId()) {
            // The prompt starts with BOS and generation ends at EOS: one token cannot mean both.
            throw new IllegalArgumentException("a Jpeg-LM tokenizer needs distinct BOS and EOS tokens, but "
                    + BpeGgufKey.BOS_ID.key() + " and " + BpeGgufKey.EOS_ID.key() + " are both " + tokenizer.bosId());
        }
    }

    /** A spec with the IJG tables of the profile's quality. */
    public static JpegLmSpec of(JpegProfile profile, BpeTokenizer tokenizer) {
        return new JpegLmSpec(profile, profile.tables(), tokenizer);
    }

    /** The subsampling's name in the file. */
    public static String subsamplingName(Subsampling s) {
        return switch (s) {
            case S420 -> "4:2:0";
            case S444 -> "4:4:4";
            case GRAY -> "gray";
            case GRAY_444 -> "gray-1x1";
        };
    }

    /** The subsampling of a name in the file. */
    public static Subsampling subsamplingOf(String name) {
        return switch (name) {
            case "4:2:0" -> Subsampling.S420;
            case "4:4:4" -> Subsampling.S444;
            case "gray" -> Subsampling.GRAY;
            case "gray-1x1" -> Subsampling.GRAY_444;
            default ->
                throw new IllegalArgumentException(
                        "unknown " + SUBSAMPLING_KEY + " '" + name + "' (one of 4:2:0, 4:4:4, gray, gray-1x1)");
        };
    }

    /** Every {@code jpeglm.*} key of this spec as GGUF values, in a stable order. */
    public Map<String, GgufValue> toGguf() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put(FORMAT_VERSION_KEY, GgufValue.uint32(FORMAT_VERSION));
        m.put(QUALITY_KEY, GgufValue.uint32(profile.quality()));
        m.put(SUBSAMPLING_KEY, GgufValue.string(subsamplingName(profile.subsampling())));
        m.put(RESTART_INTERVAL_KEY, GgufValue.uint32(profile.restartInterval()));
        m.put(WIDTH_KEY, GgufValue.uint32(profile.width()));
        m.put(HEIGHT_KEY, GgufValue.uint32(profile.height()));
        byte[] t = tables.toTablesOnlyJpeg();
        long[] bytes = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            bytes[i] = t[i] & 0xFF;
        }
        m.put(TABLES_KEY, GgufValue.array(GgufValueType.UINT8, bytes));
        m.putAll(BpeGgufMetadata.toGguf(tokenizer));
        return m;
    }

    /** Whether metadata declares a Jpeg-LM model. */
    public static boolean isJpegLm(Map<String, GgufValue> metadata) {
        return metadata.containsKey(FORMAT_VERSION_KEY);
    }

    /**
     * Reads a spec from a model file's metadata ({@code GgufFile.metadata()}, or a loaded model's). Integers may
     * have any GGUF integer type whose values fit.
     *
     * @throws IllegalArgumentException naming the missing or malformed key, or saying the metadata is not a
     *     Jpeg-LM model's at all
     */
    public static JpegLmSpec fromMetadata(Map<String, GgufValue> metadata) {
        if (!isJpegLm(metadata)) {
            throw new IllegalArgumentException("not a Jpeg-LM model: the file has no '" + FORMAT_VERSION_KEY
                    + "' key (convert it with jpeglm convert, which adds the tokenizer and JPEG profile)");
        }
        requireVersion(metadata);
        requireJpegCodec(metadata);
        Subsampling subsampling = subsamplingOf(GgufMetadata.string(metadata, SUBSAMPLING_KEY));
        JpegProfile profile;
        try {
            profile = new JpegProfile(
                    GgufMetadata.count(metadata, QUALITY_KEY),
                    subsampling,
                    GgufMetadata.count(metadata, RESTART_INTERVAL_KEY),
                    GgufMetadata.count(metadata, WIDTH_KEY),
                    GgufMetadata.count(metadata, HEIGHT_KEY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad JPEG profile in the model: " + e.getMessage(), e);
        }
        JpegTables tables = profile.tables();
        if (metadata.containsKey(TABLES_KEY)) {
            try {
                tables = JpegTables.fromTablesOnlyJpeg(GgufMetadata.bytes(metadata, TABLES_KEY));
            } catch (JpegFormatException e) {
                throw new IllegalArgumentException(TABLES_KEY + " is not a tables-only JPEG: " + e.getMessage(), e);
            }
        }
        return new JpegLmSpec(profile, tables, tokenizer(metadata));
    }

    /** Refuses a file whose {@value #CODEC_KEY} names another codec (a video model's {@code h264}, say). */
    private static void requireJpegCodec(Map<String, GgufValue> metadata) {
        GgufValue codec = metadata.get(CODEC_KEY);
        if (codec == null) {
            return;
        }
        if (codec.type() != GgufValueType.STRING) {
            throw new IllegalArgumentException(
                    "'" + CODEC_KEY + "' is " + codec.type() + ", not a string naming a codec (" + CODEC + ")");
        }
        if (!codec.asString().equals(CODEC)) {
            String name = codec.asString().replaceAll("\\p{Cntrl}", "");
            String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
            throw new IllegalArgumentException("a model of another codec ('" + CODEC_KEY + "' = " + shown
                    + "), not a JPEG image model: open it with its codec (h264: as a video model)");
        }
    }

    /** The tokenizer under the {@code jpeglm.bpe.*} keys. */
    static BpeTokenizer tokenizer(Map<String, GgufValue> metadata) {
        try {
            return BpeGgufMetadata.fromGguf(metadata);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad tokenizer in the model: " + e.getMessage(), e);
        }
    }

    /** The format version must be this one's. */
    static void requireVersion(Map<String, GgufValue> metadata) {
        int version = GgufMetadata.count(metadata, FORMAT_VERSION_KEY);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "Jpeg-LM format version " + version + " is not supported (this is version " + FORMAT_VERSION + ")");
        }
    }
}
