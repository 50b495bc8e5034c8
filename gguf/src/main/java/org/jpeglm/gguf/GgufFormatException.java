package org.jpeglm.gguf;

import java.io.IOException;

/** A file or buffer that is not a well-formed GGUF file; the message names the problem and where it is. */
public class GgufFormatException extends IOException {
    public GgufFormatException(String message) {
        super(message);
    }
}
