package org.jpeglm.codec;

/**
 * How likely a model finds one artefact (an image, a video): the negative log-likelihood of its token sequence
 * (every token after BOS, EOS included) under the model.
 *
 * @param bits the negative log-likelihood in bits
 * @param tokens tokens scored (BOS excluded)
 * @param bytes bytes of the artefact's stream (an abbreviated JPEG stream, an H.264 stream)
 */
public record Score(double bits, int tokens, int bytes) {
    /** Bits per byte of the stream: the compression rate the model would achieve on it. */
    public double bitsPerByte() {
        return bits / bytes;
    }

    /** Nats per token, comparable with a training loss. */
    public double natsPerToken() {
        return bits * Math.log(2) / tokens;
    }
}
