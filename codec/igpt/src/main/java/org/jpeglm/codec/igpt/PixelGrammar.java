package org.jpeglm.codec.igpt;

import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;

/**
 * igpt's syntax, which is only a length: an image is exactly width·height symbols, then EOS. With r pixels left, a
 * token fits when it stands for 1..r symbols, and EOS fits exactly when r = 0; BOS, other special tokens and ids
 * past the tokenizer (a padded vocabulary) never fit. For igpt every piece is one symbol; for bpe-igpt a piece is
 * as long as its merges made it, so near the end of an image only the shorter ones fit.
 *
 * <p>A pure function of the tokens' symbol counts. The allowed sets are masks (bit {@code id & 63} of word
 * {@code id >> 6}, as the engine's samplers take them), one per {@code min(r, longest piece)}: at most
 * longest + 1 distinct masks, made once and shared. Immutable and thread-safe; callers must not change a mask.
 */
public final class PixelGrammar {
    private final int[] symbols;
    private final int eos;
    private final int longest;
    private final long[][] masks;

    /**
     * The grammar of a tokenizer's pieces in a model of {@code vocabSize} ids.
     *
     * @param vocabSize the model's vocabulary, at least the tokenizer's (ids beyond it never fit)
     * @throws IllegalArgumentException if the tokenizer has no EOS or the vocabulary is smaller than it
     */
    public static PixelGrammar of(BpeTokenizer tokenizer, int vocabSize) {
        Objects.requireNonNull(tokenizer, "tokenizer");
        if (vocabSize < tokenizer.vocabSize()) {
            throw new IllegalArgumentException("the model's vocabulary of " + vocabSize
                    + " is smaller than the tokenizer's " + tokenizer.vocabSize());
        }
        if (tokenizer.eosId() == BpeTokenizer.NO_TOKEN) {
            throw new IllegalArgumentException("a pixel stream ends with EOS, and the tokenizer has none");
        }
        int[] symbols = new int[vocabSize];
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            symbols[id] = tokenizer.tokenLength(id);
        }
        return new PixelGrammar(symbols, tokenizer.eosId());
    }

    /**
     * The grammar of tokens with these symbol counts (0 for special tokens and unused ids).
     *
     * @param symbols symbols each id stands for, index = id
     * @param eos     the EOS id
     */
    public PixelGrammar(int[] symbols, int eos) {
        this.symbols = symbols.clone();
        this.eos = Objects.checkIndex(eos, symbols.length);
        int most = 0;
        for (int s : this.symbols) {
            if (s < 0) {
                throw new IllegalArgumentException("a token cannot stand for " + s + " symbols");
            }
            most = Math.max(most, s);
        }
        if (this.symbols[eos] != 0) {
            throw new IllegalArgumentException("EOS (" + eos + ") stands for symbols");
        }
        if (most == 0) {
            throw new IllegalArgumentException("no token stands for a symbol");
        }
        longest = most;
        masks = new long[longest + 1][];
        for (int r = 0; r <= longest; r++) {
            masks[r] = build(r);
        }
    }

    private long[] build(int remaining) {
        long[] mask = new long[(symbols.length + 63) >> 6];
        for (int id = 0; id < symbols.length; id++) {
            if (fits(id, remaining)) {
                mask[id >> 6] |= 1L << id;
            }
        }
        return mask;
    }

    /** Whether token id keeps the stream an image when {@code remaining} pixels are left. */
    public boolean fits(int id, int remaining) {
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining pixels cannot be negative: " + remaining);
        }
        int s = symbols[Objects.checkIndex(id, symbols.length)];
        return id == eos ? remaining == 0 : s > 0 && s <= remaining;
    }

    /** The tokens that fit with {@code remaining} pixels left (shared; do not change it). */
    public long[] allowed(int remaining) {
        if (remaining < 0) {
            throw new IllegalArgumentException("remaining pixels cannot be negative: " + remaining);
        }
        return masks[Math.min(remaining, longest)];
    }

    /** Symbols token id stands for (0 for special tokens). */
    public int symbols(int id) {
        return symbols[Objects.checkIndex(id, symbols.length)];
    }

    /** The longest piece, in symbols: 1 for igpt. */
    public int longest() {
        return longest;
    }

    /** The ids the masks cover: the model's vocabulary. */
    public int vocabSize() {
        return symbols.length;
    }
}
