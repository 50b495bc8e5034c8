package org.jpeglm.convert;

import java.io.IOException;

/**
 * A checkpoint (or a tokenizer, JPEG profile or option) the converter refuses: a missing file, a config it cannot
 * convert, tensors that do not fit the config. The message names the problem and, where there is one, the fix.
 */
public class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
