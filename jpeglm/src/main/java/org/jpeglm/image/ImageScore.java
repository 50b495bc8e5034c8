package org.jpeglm.image;

import org.jpeglm.engine.StreamScore;

/**
 * How likely a model finds an image: the negative log-likelihood of its token sequence (every token after BOS,
 * EOS included) under the model.
 *
 * @param bits the image's negative log-likelihood in bits
 * @param tokens tokens scored (BOS excluded)
 * @param bytes bytes of the image's abbreviated JPEG stream
 */
public record ImageScore(double bits, int tokens, int bytes) {
    /** The engine's score of an image's stream. */
    static ImageScore of(StreamScore s) {
        return new ImageScore(s.bits(), s.tokens(), s.bytes());
    }

    /** Bits per byte of the abbreviated stream: the compression rate the model would achieve. */
    public double bitsPerByte() {
        return bits / bytes;
    }

    /** Nats per token, comparable with a training loss. */
    public double natsPerToken() {
        return bits * Math.log(2) / tokens;
    }
}
