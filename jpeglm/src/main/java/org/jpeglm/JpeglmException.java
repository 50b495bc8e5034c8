package org.jpeglm;

/** A native operation failed; {@link #code()} says how, the message says why. */
public class JpeglmException extends RuntimeException {
    private final ErrorCode code;

    public JpeglmException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    /** The kind of failure. */
    public ErrorCode code() {
        return code;
    }
}
