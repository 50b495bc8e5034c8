package org.jpeglm.image;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jpeglm.bpe.BpeTokenizer;
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
    private final int vocabSize;
    private final int eosId;
    private final Node root = new Node();
    private final int maxMcusPerToken; // most MCUs one token that can occur in entropy-coded data completes
    private final Map<Long, long[]> cache = new HashMap<>();
    private final List<JpegSyntax.State> scratch = new ArrayList<>();
    private final JpegSyntax.State forcedProbe;

    /** A trie node: the tokens whose bytes end here, and children by next byte. */
    private static final class Node {
        final Node[] children = new Node[256];
        int[] tokens = new int[0];
        int[] childBytes = new int[0];

        Node child(int b) {
            Node n = children[b];
            if (n == null) {
                n = children[b] = new Node();
                childBytes = java.util.Arrays.copyOf(childBytes, childBytes.length + 1);
                childBytes[childBytes.length - 1] = b;
            }
            return n;
        }
    }

    /**
     * @param modelVocabSize the tokens the model scores: masks cover them all, and ids past the tokenizer's (a
     *     padded vocabulary) are never allowed
     */
    SyntaxMasks(BpeTokenizer tokenizer, JpegSyntax syntax, int modelVocabSize) {
        if (modelVocabSize < tokenizer.vocabSize()) {
            throw new IllegalArgumentException("the model scores " + modelVocabSize + " tokens, fewer than the "
                    + tokenizer.vocabSize() + " of its tokenizer");
        }
        this.syntax = syntax;
        this.forcedProbe = syntax.start();
        this.vocabSize = modelVocabSize;
        this.eosId = tokenizer.eosId();
        int longest = 0;
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (tokenizer.isSpecial(id)) {
                continue;
            }
            byte[] bytes = tokenizer.tokenBytes(id);
            if (couldBeData(bytes)) {
                longest = Math.max(longest, bytes.length);
            }
            Node n = root;
            for (byte b : bytes) {
                n = n.child(b & 0xFF);
            }
            n.tokens = java.util.Arrays.copyOf(n.tokens, n.tokens.length + 1);
            n.tokens[n.tokens.length - 1] = id;
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
        return (vocabSize + 63) / 64;
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
            walk(root, state, 0, mask);
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

    /**
     * The tokens whose bytes agree with forced[from..] over their common length: prefixes of the bytes left, and
     * tokens that start with all of them. Token healing forces the prompt's last bytes this way. Special tokens
     * never; unlike {@link #allowed}, not cached (only the first steps of a completion force bytes).
     */
    long[] forced(byte[] forced, int from) {
        return forcedMask(forced, from, null);
    }

    /** {@link #forced(byte[], int)}, only the tokens the grammar accepts in state. */
    long[] forced(byte[] forced, int from, JpegSyntax.State state) {
        forcedProbe.copyFrom(Objects.requireNonNull(state, "state"));
        return forcedMask(forced, from, forcedProbe);
    }

    /** The forced mask, grammar-checked from probe's state (advanced on the way) unless probe is null. */
    private long[] forcedMask(byte[] forced, int from, JpegSyntax.State probe) {
        long[] mask = new long[words()];
        Node node = root;
        for (int i = from; i < forced.length; i++) {
            int b = forced[i] & 0xFF;
            node = node.children[b];
            if (node == null || probe != null && !probe.advance(b)) {
                return mask; // no token spells these bytes, or the grammar refuses them: nothing longer fits either
            }
            set(node.tokens, mask);
        }
        if (probe == null) {
            addAll(node, mask);
        } else {
            walk(node, probe, 0, mask);
        }
        return mask;
    }

    private static void set(int[] tokens, long[] mask) {
        for (int id : tokens) {
            mask[id >>> 6] |= 1L << id;
        }
    }

    /** Every token below node. */
    private static void addAll(Node node, long[] mask) {
        for (int b : node.childBytes) {
            Node child = node.children[b];
            set(child.tokens, mask);
            addAll(child, mask);
        }
    }

    private void walk(Node node, JpegSyntax.State state, int depth, long[] mask) {
        while (scratch.size() <= depth) {
            scratch.add(syntax.start());
        }
        JpegSyntax.State next = scratch.get(depth);
        for (int b : node.childBytes) {
            next.copyFrom(state);
            if (!next.advance(b)) {
                continue;
            }
            Node child = node.children[b];
            set(child.tokens, mask);
            if (child.childBytes.length > 0) {
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
