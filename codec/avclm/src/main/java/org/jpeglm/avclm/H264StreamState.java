package org.jpeglm.avclm;

import org.jpeglm.codec.StreamState;
import org.jpeglm.engine.TokenTrie;

/**
 * A video as the engine follows it: nothing in its bytes ends it (a generated stream's NAL units cannot be trusted
 * to say how many frames it holds), it has no grammar, counts no units and makes no previews (the defaults), and its
 * listener hears of it once decoded.
 * Holds no state of its own, so one serves every stream of a codec.
 */
record H264StreamState(TokenTrie trie) implements StreamState {
    @Override
    public boolean complete() {
        return false;
    }

    @Override
    public boolean fits(int token) {
        return true;
    }

    /** Never asked: video requests are not constrained (no H.264 grammar). */
    @Override
    public long[] allowed() {
        throw new IllegalStateException("videos are sampled without a grammar");
    }

    @Override
    public long[] forced(byte[] forced, int from, boolean constrained) {
        return trie.forced(forced, from);
    }

    @Override
    public boolean take(int token, byte[] bytes) {
        return false;
    }
}
