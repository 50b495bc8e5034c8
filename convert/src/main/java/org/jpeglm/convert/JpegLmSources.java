package org.jpeglm.convert;

import java.util.Objects;
import org.jpeglm.codec.jpeg.JpegProfileFile;

/**
 * Where a Jpeg-LM model's tokenizer and JPEG profile come from, and profile fields that replace those of the
 * profile (a new quality without new tables brings that quality's IJG tables).
 */
public record JpegLmSources(TokenizerSource tokenizer, ProfileSource profile, JpegProfileFile.Fields overrides) {
    /** Both from the checkpoint, no overrides. */
    public static final JpegLmSources CHECKPOINT =
            new JpegLmSources(TokenizerSource.checkpoint(), ProfileSource.checkpoint(), JpegProfileFile.Fields.EMPTY);

    public JpegLmSources {
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(overrides, "overrides");
    }

    public JpegLmSources withTokenizer(TokenizerSource t) {
        return new JpegLmSources(t, profile, overrides);
    }

    public JpegLmSources withProfile(ProfileSource p) {
        return new JpegLmSources(tokenizer, p, overrides);
    }

    public JpegLmSources withOverrides(JpegProfileFile.Fields o) {
        return new JpegLmSources(tokenizer, profile, o);
    }
}
