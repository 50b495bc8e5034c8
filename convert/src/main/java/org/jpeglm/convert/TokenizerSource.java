package org.jpeglm.convert;

import java.nio.file.Path;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;

/** Where a Jpeg-LM model's BPE tokenizer comes from. */
public sealed interface TokenizerSource {
    /** The checkpoint's {@code tokenizer.json}, when it has one (the default). */
    record FromCheckpoint() implements TokenizerSource {}

    /**
     * A file: a Hugging Face {@code tokenizer.json} (BOS and EOS named by a {@code tokenizer_config.json} beside it),
     * or a GGUF file ({@code *.gguf}) carrying the {@code jpeglm.bpe.*} keys; see {@link TokenizerFiles#read}.
     */
    record FromFile(Path file) implements TokenizerSource {
        public FromFile {
            Objects.requireNonNull(file, "file");
        }
    }

    /** A tokenizer already in memory. */
    record Given(BpeTokenizer tokenizer) implements TokenizerSource {
        public Given {
            Objects.requireNonNull(tokenizer, "tokenizer");
        }
    }

    static TokenizerSource checkpoint() {
        return new FromCheckpoint();
    }

    static TokenizerSource file(Path file) {
        return new FromFile(file);
    }

    static TokenizerSource of(BpeTokenizer tokenizer) {
        return new Given(tokenizer);
    }
}
