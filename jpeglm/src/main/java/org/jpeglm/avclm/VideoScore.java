package org.jpeglm.avclm;

/**
 * How likely a model finds a video: the negative log-likelihood of its token sequence (every token after BOS, EOS
 * included) under the model.
 *
 * @param bits the video's negative log-likelihood in bits
 * @param tokens tokens scored (BOS excluded)
 * @param bytes bytes of the video's H.264 stream
 */
public record VideoScore(double bits, int tokens, int bytes) {
    /** Bits per byte of the H.264 stream: the compression rate the model would achieve on it. */
    public double bitsPerByte() {
        return bits / bytes;
    }

    /** Nats per token, comparable with a training loss. */
    public double natsPerToken() {
        return bits * Math.log(2) / tokens;
    }
}
