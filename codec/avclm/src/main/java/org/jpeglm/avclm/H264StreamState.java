package org.jpeglm.avclm;

import java.io.ByteArrayOutputStream;
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
    /** Stream bytes between two counts: progress is told of at this grain, the stream scanned again at most so often. */
    static final int COUNT_EVERY_BYTES = 16;

    private final TokenTrie trie;
    private final int totalFrames;
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private int counted; // stream bytes when the pictures were last counted
    private int pictures; // pictures begun by then

    /** The state of a stream that starts with prompt (its prompt's frames counted), of a profile of totalFrames. */
    H264StreamState(TokenTrie trie, int totalFrames, byte[] prompt) {
        this.trie = trie;
        this.totalFrames = totalFrames;
        stream.writeBytes(prompt);
        count();
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
        stream.writeBytes(bytes);
        if (stream.size() - counted >= COUNT_EVERY_BYTES) {
            count();
        }
        return false;
    }

    /** Frames written: every picture begun but the last, which is still being written. */
    @Override
    public int units() {
        return Math.min(totalFrames, Math.max(0, pictures - 1));
    }

    @Override
    public int totalUnits() {
        return totalFrames;
    }

    private void count() {
        byte[] s = stream.toByteArray();
        pictures = H264Streams.frameCount(s);
        counted = s.length;
    }
}
