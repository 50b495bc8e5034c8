package org.jpeglm.image;

import java.util.Objects;
import org.jpeglm.engine.TokenTable;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegSyntax;

/**
 * What the generation loop needs of a model's JPEG profile and tokenizer: the grammar, its token masks, the
 * repairer and the token bytes. All but the masks are thread-safe.
 *
 * @param restartInterval MCUs per restart interval of the profile (0: none)
 */
record StreamTools(JpegSyntax syntax, SyntaxMasks masks, JpegRepair repair, TokenTable tokens, int restartInterval) {
    static StreamTools of(ImageModel model, TokenTable tokens) {
        var spec = model.spec();
        JpegSyntax syntax = new JpegSyntax(spec.profile(), spec.tables());
        return new StreamTools(
                syntax,
                new SyntaxMasks(spec.tokenizer(), syntax, model.model().vocabSize()),
                new JpegRepair(spec.profile(), spec.tables()),
                tokens,
                spec.profile().restartInterval());
    }

    /** The image codec's part in one request: its images previewed as previews allows. */
    JpegWriter writer(PreviewPolicy previews) {
        return new JpegWriter(this, Objects.requireNonNull(previews, "previews"));
    }
}
