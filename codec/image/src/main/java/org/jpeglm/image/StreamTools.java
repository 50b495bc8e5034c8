package org.jpeglm.image;

import org.jpeglm.codec.StreamState;
import org.jpeglm.codec.StreamWriter;
import org.jpeglm.engine.TokenTable;
import org.jpeglm.jpeg.JpegRepair;
import org.jpeglm.jpeg.JpegSyntax;

/**
 * The jpeg codec's writer in one session: what following its streams needs of the model's JPEG profile and
 * tokenizer (the grammar, its token masks, the repairer for previews, the token bytes). All but the masks are
 * thread-safe; the masks are the session's.
 *
 * @param restartInterval MCUs per restart interval of the profile (0: none)
 */
record StreamTools(JpegSyntax syntax, SyntaxMasks masks, JpegRepair repair, TokenTable tokens, int restartInterval)
        implements StreamWriter {
    static StreamTools of(JpegCodec codec, int vocabSize) {
        var spec = codec.spec();
        return new StreamTools(
                codec.syntax(),
                new SyntaxMasks(spec.tokenizer(), codec.syntax(), vocabSize),
                codec.repair(),
                new TokenTable(spec.tokenizer(), vocabSize),
                spec.profile().restartInterval());
    }

    @Override
    public StreamState open(byte[] promptBytes) {
        return new JpegStreamState(this, promptBytes);
    }

    @Override
    public boolean hasGrammar() {
        return true;
    }
}
