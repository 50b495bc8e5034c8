package org.jpeglm.video;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jpeglm.gguf.GgufMetadata;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.gguf.GgufValueType;

/**
 * How an Avc-LM model's training videos became bytes: the codec, frame size, rate and count, the constant
 * quantization parameter, the coded pixel format and the exact x264 settings. A model file records it under the
 * GGUF keys below, so the file alone says how to encode a prompt and decode a sample.
 *
 * <table>
 *   <caption>GGUF keys</caption>
 *   <tr><td>{@code jpeglm.codec}</td><td>STRING</td><td>{@code h264}; {@code jpeg} or absent in a JPEG model's
 *   file; any other codec is refused by name</td></tr>
 *   <tr><td>{@code jpeglm.video.width}, {@code .height}</td><td>UINT32</td><td>frame size (even)</td></tr>
 *   <tr><td>{@code jpeglm.video.fps}</td><td>UINT32</td><td>frames per second (3 in the paper)</td></tr>
 *   <tr><td>{@code jpeglm.video.frames}</td><td>UINT32</td><td>frames per video (15 in the paper)</td></tr>
 *   <tr><td>{@code jpeglm.video.qp}</td><td>UINT32</td><td>constant QP 0..51 (37 in the paper)</td></tr>
 *   <tr><td>{@code jpeglm.video.pixel_format}</td><td>STRING</td><td>coded pixel format ({@code yuv420p})</td></tr>
 *   <tr><td>{@code jpeglm.video.encoder}</td><td>STRING</td><td>ffmpeg's encoder options beside QP and pixel
 *       format, e.g. {@value #DEFAULT_ENCODER}</td></tr>
 * </table>
 *
 * @param codec {@value #H264}, the only codec so far
 * @param width frame width in pixels, even
 * @param height frame height in pixels, even
 * @param fps frames per second
 * @param frames frames per video
 * @param qp the constant quantization parameter
 * @param pixelFormat the coded pixel format
 * @param encoder ffmpeg output options (option/value pairs from {@link #ENCODER_OPTIONS}), space-separated
 */
public record VideoProfile(
        String codec, int width, int height, int fps, int frames, int qp, String pixelFormat, String encoder) {
    public static final String H264 = "h264";
    /** The codec of an image (Jpeg-LM) model, also what a file without {@value #CODEC_KEY} declares. */
    public static final String JPEG = "jpeg";

    public static final String CODEC_KEY = "jpeglm.codec";
    public static final String WIDTH_KEY = "jpeglm.video.width";
    public static final String HEIGHT_KEY = "jpeglm.video.height";
    public static final String FPS_KEY = "jpeglm.video.fps";
    public static final String FRAMES_KEY = "jpeglm.video.frames";
    public static final String QP_KEY = "jpeglm.video.qp";
    public static final String PIXEL_FORMAT_KEY = "jpeglm.video.pixel_format";
    public static final String ENCODER_KEY = "jpeglm.video.encoder";

    /**
     * The recipe's x264 settings beside QP: x264's default preset, no B-frames (decode order is display order, so
     * the first K frames are a byte prefix), one IDR frame at the start (GOP of the whole clip, no scene cuts),
     * one thread (the same bytes on every run), and x264's SEI (its long version and settings string) removed:
     * it is the same in every stream and would be a third of a short one.
     */
    public static final String DEFAULT_ENCODER = "-c:v libx264 -preset medium -bf 0 -g 9999"
            + " -sc_threshold 0 -threads 1 -bsf:v filter_units=remove_types=6";

    /** The encoder options a profile may use (each takes one value): a model file cannot make ffmpeg read or write files. */
    public static final Set<String> ENCODER_OPTIONS = Set.of(
            "-c:v",
            "-preset",
            "-tune",
            "-profile:v",
            "-level",
            "-bf",
            "-g",
            "-keyint_min",
            "-sc_threshold",
            "-threads",
            "-bsf:v",
            "-coder",
            "-refs",
            "-me_method",
            "-subq",
            "-trellis");

    /** The coded pixel formats allowed. */
    public static final Set<String> PIXEL_FORMATS = Set.of("yuv420p", "yuv422p", "yuv444p");

    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.:=,+-]{1,200}");
    private static final int MAX_SIDE = 4096;
    private static final int MAX_FRAMES = 10_000;

    public VideoProfile {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(pixelFormat, "pixelFormat");
        Objects.requireNonNull(encoder, "encoder");
        if (!codec.equals(H264)) {
            throw new IllegalArgumentException("unsupported video codec '" + codec + "' (only " + H264 + ")");
        }
        requireEvenSide("width", width);
        requireEvenSide("height", height);
        requireRange("fps", fps, 1, 240);
        requireRange("frames", frames, 1, MAX_FRAMES);
        requireRange("qp", qp, 0, 51);
        if (!PIXEL_FORMATS.contains(pixelFormat)) {
            throw new IllegalArgumentException(
                    "unsupported pixel format '" + pixelFormat + "' (one of " + PIXEL_FORMATS + ")");
        }
        encoderOptions(encoder);
    }

    /** The bundled toy model's profile: 64×64, 15 frames at 3 fps, QP 37, yuv420p, {@link #DEFAULT_ENCODER}. */
    public static VideoProfile toy() {
        return new VideoProfile(H264, 64, 64, 3, 15, 37, "yuv420p", DEFAULT_ENCODER);
    }

    /** The paper's profile (its §4.2): 256×144, the first 5 seconds at 3 fps, QP 37. */
    public static VideoProfile paper() {
        return new VideoProfile(H264, 256, 144, 3, 15, 37, "yuv420p", DEFAULT_ENCODER);
    }

    /** Pixels per frame. */
    public int pixelsPerFrame() {
        return width * height;
    }

    /** 16×16 macroblocks per frame. */
    public int macroblocksPerFrame() {
        return ((width + 15) / 16) * ((height + 15) / 16);
    }

    /** The encoder options as ffmpeg arguments, checked against {@link #ENCODER_OPTIONS}. */
    public List<String> encoderArguments() {
        return encoderOptions(encoder);
    }

    /** The ffmpeg output arguments that turn raw frames into this profile's stream, up to the output name. */
    public List<String> outputArguments() {
        List<String> args = new ArrayList<>(encoderArguments());
        args.addAll(List.of("-qp", Integer.toString(qp), "-pix_fmt", pixelFormat, "-f", "h264"));
        return args;
    }

    /** The profile's GGUF keys, in a stable order. */
    public Map<String, GgufValue> toGguf() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put(CODEC_KEY, GgufValue.string(codec));
        m.put(WIDTH_KEY, GgufValue.uint32(width));
        m.put(HEIGHT_KEY, GgufValue.uint32(height));
        m.put(FPS_KEY, GgufValue.uint32(fps));
        m.put(FRAMES_KEY, GgufValue.uint32(frames));
        m.put(QP_KEY, GgufValue.uint32(qp));
        m.put(PIXEL_FORMAT_KEY, GgufValue.string(pixelFormat));
        m.put(ENCODER_KEY, GgufValue.string(encoder));
        return m;
    }

    /**
     * Whether a model file's metadata declares a video model: a {@value #CODEC_KEY} other than {@value #JPEG} (an
     * unknown one too, which {@link #declaredCodec} and the profile then refuse by name).
     */
    public static boolean isVideo(Map<String, GgufValue> metadata) {
        GgufValue codec = metadata.get(CODEC_KEY);
        return codec != null
                && !(codec.type() == GgufValueType.STRING && codec.asString().equals(JPEG));
    }

    /**
     * The codec a model file's metadata declares: {@value #CODEC_KEY}'s value, {@value #JPEG} without one.
     *
     * @throws IllegalArgumentException when the key holds no string, or a codec other than {@value #JPEG} and
     *     {@value #H264}
     */
    public static String declaredCodec(Map<String, GgufValue> metadata) {
        GgufValue codec = metadata.get(CODEC_KEY);
        if (codec == null) {
            return JPEG;
        }
        if (codec.type() != GgufValueType.STRING) {
            throw new IllegalArgumentException("'" + CODEC_KEY + "' is " + codec.type() + ", not a string naming a "
                    + "codec (" + JPEG + " for images, " + H264 + " for videos)");
        }
        String name = codec.asString();
        if (!name.equals(JPEG) && !name.equals(H264)) {
            throw new IllegalArgumentException("unknown codec '" + printable(name) + "' in '" + CODEC_KEY
                    + "': jpeglm runs " + JPEG + " (image) and " + H264 + " (video) models");
        }
        return name;
    }

    /** name cut to 40 characters with control characters dropped, for a message. */
    private static String printable(String name) {
        String clean = name.replaceAll("\\p{Cntrl}", "");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }

    /**
     * The profile in a model file's metadata.
     *
     * @throws IllegalArgumentException naming the missing or malformed key
     */
    public static VideoProfile fromGguf(Map<String, GgufValue> metadata) {
        if (!isVideo(metadata)) {
            throw new IllegalArgumentException("not a video model: the file has no '" + CODEC_KEY + "' key");
        }
        try {
            return new VideoProfile(
                    GgufMetadata.string(metadata, CODEC_KEY),
                    GgufMetadata.count(metadata, WIDTH_KEY),
                    GgufMetadata.count(metadata, HEIGHT_KEY),
                    GgufMetadata.count(metadata, FPS_KEY),
                    GgufMetadata.count(metadata, FRAMES_KEY),
                    GgufMetadata.count(metadata, QP_KEY),
                    GgufMetadata.string(metadata, PIXEL_FORMAT_KEY),
                    GgufMetadata.string(metadata, ENCODER_KEY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad video profile in the model: " + e.getMessage(), e);
        }
    }

    private static List<String> encoderOptions(String encoder) {
        String[] tokens = encoder.isBlank() ? new String[0] : encoder.trim().split(" +");
        if (tokens.length % 2 != 0) {
            throw new IllegalArgumentException("encoder options come in option/value pairs: '" + encoder + "'");
        }
        for (int i = 0; i < tokens.length; i += 2) {
            if (!ENCODER_OPTIONS.contains(tokens[i])) {
                throw new IllegalArgumentException("encoder option '" + tokens[i] + "' is not allowed (one of "
                        + ENCODER_OPTIONS + "; size, rate, QP and pixel format have their own fields)");
            }
            if (!VALUE.matcher(tokens[i + 1]).matches()) {
                throw new IllegalArgumentException(
                        "encoder option " + tokens[i] + " has an unusable value '" + tokens[i + 1] + "'");
            }
        }
        return List.of(tokens);
    }

    private static void requireEvenSide(String name, int v) {
        requireRange(name, v, 2, MAX_SIDE);
        if (v % 2 != 0) {
            throw new IllegalArgumentException(name + " must be even (chroma subsampling), got " + v);
        }
    }

    private static void requireRange(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + v);
        }
    }
}
