package org.jpeglm.codec;

/** Why the engine stopped writing a stream. */
public enum StopReason {
    /** It wrote the EOS token. */
    EOS,
    /** Its codec's syntax says it is complete (a JPEG's EOI). */
    END,
    /** It reached its token budget: the request's limit, or what the context leaves after its prompt. */
    MAX_TOKENS
}
