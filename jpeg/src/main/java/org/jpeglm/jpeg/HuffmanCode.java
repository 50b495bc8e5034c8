package org.jpeglm.jpeg;

/**
 * A Huffman table's canonical code (T.81 C.2): the code word of each symbol, for encoding, and a binary trie of
 * the code words, for decoding one bit at a time ({@link CoefficientDecoder}). Node 0 is the root; a node's
 * children have larger numbers than the node; inner nodes come before the leaves, so telling a leaf takes no load.
 */
final class HuffmanCode {
    private final boolean ac;
    private final int[] codeOf = new int[256];
    private final int[] sizeOf = new int[256]; // 0: symbol not in the table
    private final int[] children; // node n's child on bit v at 2n + v; 0: none (the root is no child)
    private final int[] symbol; // a leaf's symbol, -1 for inner nodes
    private final int[] depth; // bits from the root
    private final int nodes;
    private final int firstLeaf;
    private final int[] jump = new int[256]; // per first 8 bits of a code word: (node reached) << 4 | bits taken

    HuffmanCode(HuffmanTable table) {
        ac = table.isAc();
        int bound = 1; // each code word adds at most as many nodes as it has bits
        for (int len = 1; len <= 16; len++) bound += len * table.count(len - 1);
        int[] child = new int[2 * bound], sym = new int[bound], dep = new int[bound];
        sym[0] = -1;
        int code = 0, k = 0, n = 1;
        for (int len = 1; len <= 16; len++) {
            for (int i = 0; i < table.count(len - 1); i++, k++, code++) {
                int s = table.symbol(k);
                codeOf[s] = code;
                sizeOf[s] = len;
                n = insert(child, sym, dep, code, len, s, n);
            }
            code <<= 1;
        }
        // Renumber: inner nodes first, then leaves, each in the order of insertion (so children stay above parents).
        int[] number = new int[n];
        int inner = 0;
        for (int node = 0; node < n; node++) if (sym[node] < 0) number[node] = inner++;
        for (int node = 0, leaf = inner; node < n; node++) if (sym[node] >= 0) number[node] = leaf++;
        nodes = n;
        firstLeaf = inner;
        children = new int[2 * n];
        symbol = new int[n];
        depth = new int[n];
        for (int node = 0; node < n; node++) {
            int m = number[node];
            symbol[m] = sym[node];
            depth[m] = dep[node];
            for (int bit = 0; bit < 2; bit++) {
                int c = child[2 * node + bit];
                children[2 * m + bit] = c == 0 ? 0 : number[c];
            }
        }
        for (int bits = 0; bits < 256; bits++) {
            int node = 0, taken = 0;
            while (taken < 8 && node < firstLeaf && (taken == 0 || node != 0)) {
                node = children[2 * node + (bits >> (7 - taken++) & 1)];
            }
            jump[bits] = node << 4 | taken;
        }
    }

    /** Adds the code word of symbol s to a trie of n nodes; returns the new node count. */
    private static int insert(int[] child, int[] sym, int[] dep, int code, int len, int s, int n) {
        int node = 0;
        for (int bit = len - 1; bit >= 0; bit--) {
            int slot = 2 * node + ((code >> bit) & 1);
            if (child[slot] == 0) {
                sym[n] = -1;
                dep[n] = dep[node] + 1;
                child[slot] = n++;
            }
            node = child[slot];
        }
        sym[node] = s;
        return n;
    }

    /** Whether this is an AC table's code. */
    boolean isAc() {
        return ac;
    }

    boolean has(int symbol) {
        return sizeOf[symbol] != 0;
    }

    void encode(BitWriter out, int symbol) {
        out.put(codeOf[symbol], sizeOf[symbol]);
    }

    /** Nodes of the trie. */
    int nodes() {
        return nodes;
    }

    /** The node after bit (0 or 1) from node, or 0 if no code word continues that way. */
    int child(int node, int bit) {
        return children[2 * node + bit];
    }

    /**
     * Where the 8 bits b lead from the root, stopping at a leaf or where no code word continues: the node reached
     * (0 if none) shifted left by 4, or'ed with the bits taken (1..8).
     */
    int jump(int b) {
        return jump[b];
    }

    /** Whether a code word ends at node (node is a leaf). */
    boolean isLeaf(int node) {
        return node >= firstLeaf;
    }

    /** The symbol whose code word ends at node, or -1 if none does. */
    int symbol(int node) {
        return symbol[node];
    }

    /** The bits of a code word that lead from the root to node. */
    int depth(int node) {
        return depth[node];
    }

    /** The shortest code word's length (16 for an empty table). */
    int shortest() {
        int best = 16;
        for (int n = 1; n < nodes; n++) {
            if (symbol[n] >= 0) {
                best = Math.min(best, depth[n]);
            }
        }
        return best;
    }
}
