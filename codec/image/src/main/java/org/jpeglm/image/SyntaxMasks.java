package org.jpeglm.image;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
import org.jpeglm.engine.TokenTrie;
import org.jpeglm.engine.TokenTrie.Node;
import org.jpeglm.jpeg.JpegSyntax;

/**
 * For a grammar state, the tokens whose bytes the grammar accepts: the mask of constrained generation. A trie of
 * the tokens' bytes is walked from the state, so shared prefixes are checked once, and the result is cached by the
 * state's key, so the common states cost one map look-up. EOS is allowed exactly when the stream is complete;
 * BOS and other special tokens never. The same trie gives the masks of forced bytes ({@link #forced}).
 *
 * <p>Not thread-safe: one per generator.
 */
final class SyntaxMasks {
    private static final int CACHE_LIMIT = 200_000;

    private final JpegSyntax syntax;
    private final int eosId;
    private final TokenTrie trie;
    private final int maxMcusPerToken; // most MCUs one token that can occur in entropy-coded data completes
    private final Map<Long, long[]> cache = new HashMap<>();
    private final List<JpegSyntax.State> scratch = new ArrayList<>();
    private final JpegSyntax.State forcedProbe;

    /**
     * @param modelVocabSize the tokens the model scores: masks cover them all, and ids past the tokenizer's (a
     *     padded vocabulary) are never allowed
     */
    SyntaxMasks(BpeTokenizer tokenizer, JpegSyntax syntax, int modelVocabSize) {
        this.trie = new TokenTrie(tokenizer, modelVocabSize);
        this.syntax = syntax;
        this.forcedProbe = syntax.start();
        this.eosId = tokenizer.eosId();
        int longest = 0;
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (!tokenizer.isSpecial(id) && couldBeData(tokenizer.tokenBytes(id))) {
                longest = Math.max(longest, tokenizer.tokenBytes(id).length);
            }
        }
        this.maxMcusPerToken = 8 * longest / syntax.minBitsPerMcu() + 1;
    }

    /** Whether bytes can occur after the header: every FF is followed by 00, RSTn or EOI (or ends the token). */
    private static boolean couldBeData(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            int b = bytes[i + 1] & 0xFF;
            if ((bytes[i] & 0xFF) == 0xFF && b != 0x00 && b != 0xD9 && (b < 0xD0 || b > 0xD7)) {
                return false;
            }
        }
        return true;
    }

    int words() {
        return trie.words();
    }

    /** The allowed tokens in state (do not modify the array). */
    long[] allowed(JpegSyntax.State state) {
        long key = cacheKey(state);
        if (key != JpegSyntax.NO_KEY) {
            long[] hit = cache.get(key);
            if (hit != null) {
                return hit;
            }
        }
        long[] mask = new long[words()];
        if (state.isComplete()) {
            mask[eosId >>> 6] |= 1L << eosId;
        } else if (!state.isDead()) {
            walk(trie.root(), state, 0, mask);
        }
        if (key != JpegSyntax.NO_KEY) {
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(key, mask);
        }
        return mask;
    }

    /**
     * The state's key when it decides every token's fate: near the end of the image keys are exact, elsewhere no
     * token can reach as far as the key's horizon. Header states are exact too (their key holds the position).
     */
    private long cacheKey(JpegSyntax.State state) {
        if (maxMcusPerToken < JpegSyntax.KEY_HORIZON) {
            return state.key(maxMcusPerToken + 1); // no token reaches further: fewer keys, more hits
        }
        boolean exact = syntax.mcuCount() - state.mcusDone() < JpegSyntax.KEY_HORIZON;
        return exact ? state.key() : JpegSyntax.NO_KEY;
    }

    /** The tokens whose bytes agree with forced[from..] ({@link TokenTrie#forced}); not cached. */
    long[] forced(byte[] forced, int from) {
        return trie.forced(forced, from);
    }

    /**
     * {@link #forced(byte[], int)}, only the tokens the grammar accepts in state: the forced bytes walked from state,
     * then every token the grammar lets follow them.
     */
    long[] forced(byte[] forced, int from, JpegSyntax.State state) {
        JpegSyntax.State probe = forcedProbe;
        probe.copyFrom(Objects.requireNonNull(state, "state"));
        long[] mask = new long[words()];
        Node node = trie.root();
        for (int i = from; i < forced.length; i++) {
            int b = forced[i] & 0xFF;
            node = node.next(b);
            if (node == null || !probe.advance(b)) {
                return mask; // no token spells these bytes, or the grammar refuses them: nothing longer fits either
            }
            node.setIn(mask);
        }
        walk(node, probe, 0, mask);
        return mask;
    }

    private void walk(Node node, JpegSyntax.State state, int depth, long[] mask) {
        while (scratch.size() <= depth) {
            scratch.add(syntax.start());
        }
        JpegSyntax.State next = scratch.get(depth);
        for (int b : node.childBytes()) {
            next.copyFrom(state);
            if (!next.advance(b)) {
                continue;
            }
            Node child = node.next(b);
            child.setIn(mask);
            if (child.hasChildren()) {
                walk(child, next, depth + 1, mask);
                // walk reuses deeper scratch states only; next is intact for the next sibling's copyFrom.
            }
        }
    }

    /** Number of cached states (for tests and statistics). */
    int cached() {
        return cache.size();
    }
}
