package org.jpeglm.convert.safetensors;

import java.io.IOException;

/** A file that is not a well-formed safetensors file; the message names the file and the problem. */
public class SafetensorsFormatException extends IOException {
    public SafetensorsFormatException(String message) {
        super(message);
    }

    public SafetensorsFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
