package org.jpeglm.serve;

import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.EofException;

/**
 * Tells a client's protocol mistake from the server's own failure among what reading a request threw: a body that
 * ends before its Content-Length or last chunk, a malformed chunk or multipart body, a form with too many parts, a
 * body over the size limit that Jetty found while parsing a form. Each is the client's 4xx with a message that says
 * what was wrong; logged as its access-log line only, never as a stack trace. Jetty says some of them only in an
 * exception's message, so those are recognised by their words. A Content-Type naming an unknown charset is a 415.
 */
final class ClientErrors {
    private ClientErrors() {}

    /**
     * e as the client's error, or null when it is none of the client's mistakes.
     *
     * @param maxBodyBytes the body limit, for the message
     * @param maxParts most parts a form may have, for the message
     */
    static ApiException of(Throwable e, long maxBodyBytes, int maxParts) {
        HttpException http = null;
        EofException eof = null;
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (tooLarge(m)) {
                return ApiException.tooLarge(
                        null, "the body is larger than this server reads (" + maxBodyBytes + " bytes)");
            }
            if (m.contains("too many keys") || m.contains("too many parts")) {
                return ApiException.tooLarge(
                        null,
                        "the form has more parts than this server reads (" + maxParts + ": its fields and images)");
            }
            if (t instanceof IllegalCharsetNameException || t instanceof UnsupportedCharsetException) {
                return new ApiException(415, null, "the Content-Type names a charset this server does not know");
            }
            if (http == null && t instanceof HttpException h) {
                http = h;
            }
            if (eof == null && t instanceof EofException x) {
                eof = x;
            }
        }
        if (eof != null) {
            return new ApiException(
                    400,
                    null,
                    "the request's body is cut short or malformed (it must have its Content-Length's bytes, or whole"
                            + " chunks up to the last): " + eof.getMessage());
        }
        if (http != null && http.getCode() >= 400 && http.getCode() < 500) {
            return new ApiException(http.getCode(), null, "malformed request: " + http.getReason());
        }
        return null;
    }

    /** Whether Jetty refused a body or part for its size (it says so only in the message). */
    private static boolean tooLarge(String message) {
        return message.contains("exceeds")
                || message.contains("too large")
                || message.contains("max length exceeded")
                || message.contains("max") && message.contains("size");
    }
}
