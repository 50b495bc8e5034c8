package org.jpeglm.serve;

/**
 * A request the server refuses: the HTTP status, the field at fault (null when it is not one field) and a message
 * for the client. Handlers throw it; {@link ErrorResponses} turns it into the JSON error body.
 */
final class ApiException extends RuntimeException {
    private final int status;
    private final String field;
    private final int retryAfter;

    ApiException(int status, String field, String message) {
        this(status, field, message, 0);
    }

    private ApiException(int status, String field, String message, int retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    /** 503: the queue is full; the client may retry after retryAfter seconds. */
    static ApiException busy(String message, int retryAfter) {
        return new ApiException(503, null, message, Math.max(1, retryAfter));
    }

    /** 400: field's value is wrong. */
    static ApiException badField(String field, String message) {
        return new ApiException(400, field, message);
    }

    /** 413: the body, or field's image, is larger than the server accepts. */
    static ApiException tooLarge(String field, String message) {
        return new ApiException(413, field, message);
    }

    int status() {
        return status;
    }

    /** Seconds after which a retry may succeed (the Retry-After header); 0: none. */
    int retryAfter() {
        return retryAfter;
    }

    /** The field at fault, or null. */
    String field() {
        return field;
    }
}
