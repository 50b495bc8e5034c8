package org.jpeglm.image;

import org.jpeglm.bpe.BpeTokenizer;

/**
 * What the generation loop looks up for every sampled token: its bytes (empty for BOS, EOS and other special
 * tokens) and the end-of-image token.
 */
final class TokenTable {
    private static final byte[] NONE = new byte[0];

    private final byte[][] bytes;
    private final int eosId;

    TokenTable(BpeTokenizer tokenizer) {
        this.bytes = new byte[tokenizer.vocabSize()][];
        for (int id = 0; id < bytes.length; id++) {
            bytes[id] = tokenizer.isSpecial(id) ? NONE : tokenizer.tokenBytes(id);
        }
        this.eosId = tokenizer.eosId();
    }

    /** The token's bytes, empty for special tokens (do not modify). */
    byte[] bytes(int id) {
        return bytes[id];
    }

    int eosId() {
        return eosId;
    }
}
