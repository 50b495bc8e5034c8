package org.jpeglm.serve;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * The one shape of every error answer: {@code {"error": {"code", "type", "field", "param", "message"}}}. The code is
 * the HTTP status as a string and param is field under OpenAI's name: OpenAI's clients read both, as strings.
 */
final class ErrorResponses {
    private ErrorResponses() {}

    /** The JSON error body for status. */
    static ObjectNode body(int status, String field, String message) {
        ObjectNode error = Json.object()
                .put("code", Integer.toString(status))
                .put("type", type(status))
                .put("field", field)
                .put("param", field)
                .put("message", message);
        ObjectNode body = Json.object();
        body.set("error", error);
        return body;
    }

    private static final String SENT = "jpeglm.error.sent";

    /** Answers ctx with status and the error body. */
    static void send(Context ctx, int status, String field, String message) {
        ctx.attribute(SENT, true);
        ctx.status(status).contentType("application/json").result(Json.bytes(body(status, field, message)));
    }

    /** Whether ctx was answered with an error body already (an endpoint's own 404 is no unknown path). */
    static boolean sent(Context ctx) {
        return ctx.attribute(SENT) != null;
    }

    static void send(Context ctx, ApiException e) {
        if (e.retryAfter() > 0) {
            ctx.header("Retry-After", Integer.toString(e.retryAfter()));
        }
        send(ctx, e.status(), e.field(), e.getMessage());
    }

    /** OpenAI's error types where one fits: the client's request for 4xx, the server for 5xx. */
    private static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 503 -> "server_busy";
            default -> status >= 400 && status < 500 ? "invalid_request_error" : "server_error";
        };
    }
}
