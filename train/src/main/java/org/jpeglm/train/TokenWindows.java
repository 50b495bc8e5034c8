package org.jpeglm.train;

import java.util.List;

/**
 * Tokenized images packed into training windows of a fixed length, each with the tokens that should follow.
 *
 * <p>The images' token sequences (BOS … EOS) are concatenated and cut into consecutive windows, as language-model
 * pretraining does: no token is padding or repeated, and an image may start anywhere in a window or continue
 * into the next. The last partial window is left out. {@link #aligned} instead makes each sequence one window, for
 * codecs whose sequences all have one length (igpt: BOS, W·H pixels, EOS): every window starts at BOS, so the model
 * always knows where in the raster it is.
 *
 * @param tokens windows × length token ids
 * @param labels the id that follows each token
 * @param windows number of windows
 * @param length tokens per window
 */
public record TokenWindows(int[] tokens, int[] labels, int windows, int length) {

    /** Packs images (each a BOS … EOS sequence) into windows of length tokens. */
    public static TokenWindows pack(List<int[]> images, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("window length must be positive: " + length);
        }
        long total = images.stream().mapToLong(t -> t.length).sum();
        int windows = (int) Math.max(0, Math.min(Integer.MAX_VALUE / length, (total - 1) / length));
        int[] stream = new int[windows * length + 1];
        int at = 0;
        for (int[] img : images) {
            int n = Math.min(img.length, stream.length - at);
            System.arraycopy(img, 0, stream, at, n);
            at += n;
            if (at == stream.length) {
                break;
            }
        }
        int[] tokens = java.util.Arrays.copyOf(stream, windows * length);
        int[] labels = java.util.Arrays.copyOfRange(stream, 1, windows * length + 1);
        return new TokenWindows(tokens, labels, windows, length);
    }

    /**
     * One window per sequence: its first {@code length} tokens, labelled by the tokens after them.
     *
     * @throws IllegalArgumentException unless every sequence has exactly length + 1 tokens, naming the first that
     *     has not
     */
    public static TokenWindows aligned(List<int[]> sequences, int length) {
        if (length < 1) {
            throw new IllegalArgumentException("window length must be positive: " + length);
        }
        if ((long) sequences.size() * length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(sequences.size() + " windows of " + length + " tokens are too many");
        }
        int[] tokens = new int[sequences.size() * length];
        int[] labels = new int[tokens.length];
        for (int k = 0; k < sequences.size(); k++) {
            int[] s = sequences.get(k);
            if (s.length != length + 1) {
                throw new IllegalArgumentException("aligned windows of " + length + " tokens need sequences of "
                        + (length + 1) + ", but sequence " + k + " has " + s.length);
            }
            System.arraycopy(s, 0, tokens, k * length, length);
            System.arraycopy(s, 1, labels, k * length, length);
        }
        return new TokenWindows(tokens, labels, sequences.size(), length);
    }
}
