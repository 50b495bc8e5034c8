package org.jpeglm.codec.jpeg;

import java.io.IOException;

/** A JPEG profile file ({@code jpeglm_profile.json}) or tables file that is missing or malformed; the message names the problem. */
public class ProfileFileException extends IOException {
    public ProfileFileException(String message) {
        super(message);
    }
}
