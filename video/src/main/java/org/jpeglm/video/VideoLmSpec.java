package org.jpeglm.video;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jpeglm.bpe.BpeGgufKey;
import org.jpeglm.bpe.BpeGgufMetadata;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.gguf.GgufMetadata;
import org.jpeglm.gguf.GgufValue;

/**
 * What an Avc-LM (video) model file says about its data beside its weights: the video profile its training videos
 * were encoded with and its BPE tokenizer. The GGUF keys are {@value #FORMAT_VERSION_KEY} (the version every
 * jpeglm model file carries), the profile's ({@link VideoProfile}: {@code jpeglm.codec} and {@code jpeglm.video.*})
 * and the tokenizer's ({@code jpeglm.bpe.*}); there are no {@code jpeglm.jpeg.*} keys. {@code jpeglm.codec} tells
 * the two kinds of model apart: absent, the file is an image model's ({@code org.jpeglm.jpeg.JpegLmSpec}).
 *
 * @param profile the video profile
 * @param tokenizer the byte-level BPE tokenizer over H.264 streams, with BOS and EOS
 */
public record VideoLmSpec(VideoProfile profile, BpeTokenizer tokenizer) {
    public static final int FORMAT_VERSION = 1;
    public static final String FORMAT_VERSION_KEY = "jpeglm.format_version";

    public VideoLmSpec {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (tokenizer.bosId() < 0 || tokenizer.eosId() < 0 || tokenizer.bosId() == tokenizer.eosId()) {
            // The prompt starts with BOS and generation ends at EOS: one token cannot mean both.
            throw new IllegalArgumentException("an Avc-LM tokenizer needs distinct BOS and EOS tokens ("
                    + BpeGgufKey.BOS_ID.key() + ", " + BpeGgufKey.EOS_ID.key() + ")");
        }
    }

    /** Whether metadata declares a video model. */
    public static boolean isVideoLm(Map<String, GgufValue> metadata) {
        return metadata.containsKey(FORMAT_VERSION_KEY) && VideoProfile.isVideo(metadata);
    }

    /** Every {@code jpeglm.*} key of this spec as GGUF values, in a stable order. */
    public Map<String, GgufValue> toGguf() {
        Map<String, GgufValue> m = new LinkedHashMap<>();
        m.put(FORMAT_VERSION_KEY, GgufValue.uint32(FORMAT_VERSION));
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
        if (!metadata.containsKey(FORMAT_VERSION_KEY)) {
            throw new IllegalArgumentException("not a Jpeg-LM model: the file has no '" + FORMAT_VERSION_KEY
                    + "' key (convert it with jpeglm convert, which adds the tokenizer and profile)");
        }
        int version = GgufMetadata.count(metadata, FORMAT_VERSION_KEY);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "Jpeg-LM format version " + version + " is not supported (this is version " + FORMAT_VERSION + ")");
        }
        if (VideoProfile.declaredCodec(metadata).equals(VideoProfile.JPEG)) {
            throw new IllegalArgumentException("an image model ('" + VideoProfile.CODEC_KEY
                    + "' absent or jpeg), not a video model: open it as an image model");
        }
        VideoProfile profile = VideoProfile.fromGguf(metadata);
        BpeTokenizer tokenizer;
        try {
            tokenizer = BpeGgufMetadata.fromGguf(metadata);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad tokenizer in the model: " + e.getMessage(), e);
        }
        return new VideoLmSpec(profile, tokenizer);
    }
}
