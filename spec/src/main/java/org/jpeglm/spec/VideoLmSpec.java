package org.jpeglm.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jpeglm.bpe.BpeGgufMetadata;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.gguf.GgufValue;
import org.jpeglm.video.VideoProfile;

/**
 * What an Avc-LM (video) model file says about its data beside its weights: the video profile its training videos
 * were encoded with and its BPE tokenizer. The GGUF keys are {@value JpegLmSpec#FORMAT_VERSION_KEY}, the
 * profile's ({@link VideoProfile}: {@code jpeglm.codec} and {@code jpeglm.video.*}) and the tokenizer's
 * ({@code jpeglm.bpe.*}); there are no {@code jpeglm.jpeg.*} keys. {@code jpeglm.codec} tells the two kinds of
 * model apart: absent, the file is an image model's ({@link JpegLmSpec}).
 *
 * @param profile the video profile
 * @param tokenizer the byte-level BPE tokenizer over H.264 streams, with BOS and EOS
 */
public record VideoLmSpec(VideoProfile profile, BpeTokenizer tokenizer) {
    public VideoLmSpec {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(tokenizer, "tokenizer");
        JpegLmSpec.requireBosAndEos(tokenizer);
    }

    /** Whether metadata declares a video model. */
    public static boolean isVideoLm(Map<String, GgufValue> metadata) {
        return JpegLmSpec.isJpegLm(metadata) && VideoProfile.isVideo(metadata);
    }

    /** Every {@code jpeglm.*} key of this spec as GGUF values, in a stable order. */
    public Map<String, GgufValue> toGguf() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put(JpegLmSpec.FORMAT_VERSION_KEY, GgufValue.uint32(JpegLmSpec.FORMAT_VERSION));
        m.putAll(profile.toGguf());
        m.putAll(BpeGgufMetadata.toGguf(tokenizer));
        return m;
    }

    /**
     * Reads a spec from a model file's metadata.
     *
     * @throws IllegalArgumentException naming the missing or malformed key, or saying the metadata is not a video
     *     model's
     */
    public static VideoLmSpec fromMetadata(Map<String, GgufValue> metadata) {
        if (!JpegLmSpec.isJpegLm(metadata)) {
            throw new IllegalArgumentException("not a Jpeg-LM model: the file has no '" + JpegLmSpec.FORMAT_VERSION_KEY
                    + "' key (convert it with jpeglm convert, which adds the tokenizer and profile)");
        }
        JpegLmSpec.requireVersion(metadata);
        if (VideoProfile.declaredCodec(metadata).equals(VideoProfile.JPEG)) {
            throw new IllegalArgumentException("an image model ('" + VideoProfile.CODEC_KEY
                    + "' absent or jpeg), not a video model: open it as an image model");
        }
        VideoProfile profile = VideoProfile.fromGguf(metadata);
        return new VideoLmSpec(profile, JpegLmSpec.tokenizer(metadata));
    }
}
