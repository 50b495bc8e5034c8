package org.jpeglm.bpe;

/**
 * Two adjacent token ids, as a merge rule: {@code left} followed by {@code right} becomes the token
 * whose bytes are theirs concatenated.
 *
 * @param left  id of the left token
 * @param right id of the right token
 */
public record TokenPair(int left, int right) {
    public TokenPair {
        if (left < 0 || right < 0) {
            throw new IllegalArgumentException("token ids must be >= 0: " + left + " " + right);
        }
    }

    @Override
    public String toString() {
        return left + " " + right;
    }
}
