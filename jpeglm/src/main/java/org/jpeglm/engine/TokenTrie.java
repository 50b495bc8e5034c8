package org.jpeglm.engine;

import java.util.Arrays;
import org.jpeglm.bpe.BpeTokenizer;

/**
 * A trie of a tokenizer's token bytes (special tokens left out) and the masks over the model's vocabulary that walk
 * it: which tokens agree with bytes a stream must write next (token healing's forced bytes). A codec with a grammar
 * walks the same trie from its state, so shared prefixes are checked once. Immutable once built; thread-safe.
 */
public final class TokenTrie {
    /** A trie node: the tokens whose bytes end here, and children by next byte. */
    public static final class Node {
        private final Node[] children = new Node[256];
        private int[] tokens = new int[0];
        private int[] childBytes = new int[0];

        private Node child(int b) {
            Node n = children[b];
            if (n == null) {
                n = children[b] = new Node();
                childBytes = Arrays.copyOf(childBytes, childBytes.length + 1);
                childBytes[childBytes.length - 1] = b;
            }
            return n;
        }

        /** The child of byte b, or null. */
        public Node next(int b) {
            return children[b];
        }

        /** The bytes that have children, in insertion order (do not modify). */
        public int[] childBytes() {
            return childBytes;
        }

        /** Whether any token is longer than the path to here. */
        public boolean hasChildren() {
            return childBytes.length > 0;
        }

        /** Adds the tokens ending here to mask. */
        public void setIn(long[] mask) {
            for (int id : tokens) {
                mask[id >>> 6] |= 1L << id;
            }
        }
    }

    private final Node root = new Node();
    private final int vocabSize;

    /**
     * @param modelVocabSize the tokens the model scores: masks cover them all, and ids past the tokenizer's (a
     *     padded vocabulary) are never allowed
     */
    public TokenTrie(BpeTokenizer tokenizer, int modelVocabSize) {
        if (modelVocabSize < tokenizer.vocabSize()) {
            throw new IllegalArgumentException("the model scores " + modelVocabSize + " tokens, fewer than the "
                    + tokenizer.vocabSize() + " of its tokenizer");
        }
        this.vocabSize = modelVocabSize;
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (tokenizer.isSpecial(id)) {
                continue;
            }
            Node n = root;
            for (byte b : tokenizer.tokenBytes(id)) {
                n = n.child(b & 0xFF);
            }
            n.tokens = Arrays.copyOf(n.tokens, n.tokens.length + 1);
            n.tokens[n.tokens.length - 1] = id;
        }
    }

    public Node root() {
        return root;
    }

    /** Longs in a mask over the model's vocabulary. */
    public int words() {
        return (vocabSize + 63) / 64;
    }

    /**
     * The tokens whose bytes agree with forced[from..] over their common length: prefixes of the bytes left, and
     * tokens that start with all of them. Token healing forces the prompt's last bytes this way. Special tokens never.
     */
    public long[] forced(byte[] forced, int from) {
        long[] mask = new long[words()];
        Node node = root;
        for (int i = from; i < forced.length; i++) {
            node = node.next(forced[i] & 0xFF);
            if (node == null) {
                return mask; // no token spells these bytes: nothing longer does either
            }
            node.setIn(mask);
        }
        addAll(node, mask);
        return mask;
    }

    /** Adds every token below node to mask. */
    public static void addAll(Node node, long[] mask) {
        for (int b : node.childBytes) {
            Node child = node.children[b];
            child.setIn(mask);
            addAll(child, mask);
        }
    }
}
