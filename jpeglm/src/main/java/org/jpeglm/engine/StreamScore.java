package org.jpeglm.engine;

/**
 * How likely a model finds one stream: the negative log-likelihood of its tokens (every token after BOS, EOS
 * included); each codec's API hands it out as its own score type.
 *
 * @param bits the negative log-likelihood in bits
 * @param tokens tokens scored (BOS excluded)
 * @param bytes bytes of the stream
 */
public record StreamScore(double bits, int tokens, int bytes) {}
