package org.jpeglm.avclm;

import org.jpeglm.codec.StreamState;
import org.jpeglm.engine.TokenTrie;
import org.jpeglm.video.H264Streams;

/**
 * A video as the engine follows it: nothing in its bytes ends it (a generated stream's NAL units cannot be trusted
 * to say how many frames it holds), it has no grammar and makes no previews (the defaults), and its listener hears of
 * it once decoded. It counts frames for progress only: a picture is done once the next one begins (a slice with
 * first_mb_in_slice 0, as {@link H264Streams#frameCount} counts them), at most the profile's frames. One per stream.
 */
final class H264StreamState implements StreamState {
    private final TokenTrie trie;
    private final int totalFrames;
    private final H264Streams.PictureCounter pictures = new H264Streams.PictureCounter();

    /** The state of a stream that starts with prompt (its prompt's frames counted), of a profile of totalFrames. */
    H264StreamState(TokenTrie trie, int totalFrames, byte[] prompt) {
        this.trie = trie;
        this.totalFrames = totalFrames;
        pictures.add(prompt);
    }

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
        pictures.add(bytes);
        return false;
    }

    /** Frames written: every picture begun but the last, which is still being written. */
    @Override
    public int units() {
        return Math.min(totalFrames, Math.max(0, pictures.pictures() - 1));
    }

    @Override
    public int totalUnits() {
        return totalFrames;
    }
}
