package org.jpeglm.engine;

import java.util.Arrays;
import java.util.Optional;
import org.jpeglm.bpe.BpeTokenizer;

/**
 * What the generation loop looks up for every sampled token: its bytes (empty for BOS, EOS and other special
 * tokens), BOS and the end-of-stream token.
 */
public final class TokenTable {
    private static final byte[] NONE = new byte[0];

    private final byte[][] bytes;
    private final int eosId;
    private final int bosId;

    private final long[] tokenizerMask;

    /**
     * @param modelVocabSize the tokens the model scores; ids past the tokenizer's (a padded vocabulary) have no
     *     bytes, like special tokens
     */
    public TokenTable(BpeTokenizer tokenizer, int modelVocabSize) {
        if (modelVocabSize < tokenizer.vocabSize()) {
            throw new IllegalArgumentException("the model scores " + modelVocabSize + " tokens, fewer than the "
                    + tokenizer.vocabSize() + " of its tokenizer");
        }
        this.bytes = new byte[modelVocabSize][];
        Arrays.fill(bytes, NONE);
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            bytes[id] = tokenizer.isSpecial(id) ? NONE : tokenizer.tokenBytes(id);
        }
        this.eosId = tokenizer.eosId();
        this.bosId = tokenizer.bosId();
        this.tokenizerMask =
                modelVocabSize == tokenizer.vocabSize() ? null : prefixMask(modelVocabSize, tokenizer.vocabSize());
    }

    /** A mask over vocabSize ids allowing ids [0, n). */
    private static long[] prefixMask(int vocabSize, int n) {
        long[] mask = new long[(vocabSize + 63) / 64];
        Arrays.fill(mask, 0, n >>> 6, -1L);
        if ((n & 63) != 0) {
            mask[n >>> 6] = (1L << n) - 1;
        }
        return mask;
    }

    /**
     * The tokenizer's ids as a mask over the model's, for sampling with no other mask; empty when they are the same
     * (nothing to mask). A padded id has no bytes and was never trained on: sampling it would mean nothing.
     */
    public Optional<long[]> tokenizerMask() {
        return Optional.ofNullable(tokenizerMask);
    }

    /** The token's bytes, empty for special tokens (do not modify). */
    public byte[] bytes(int id) {
        return bytes[id];
    }

    public int eosId() {
        return eosId;
    }

    public int bosId() {
        return bosId;
    }
}
