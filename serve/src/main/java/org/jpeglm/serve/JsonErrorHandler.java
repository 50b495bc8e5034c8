package org.jpeglm.serve;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives itself, before a request reaches the routes (a malformed request line or header, a URI or
 * headers too long, an HTTP version it does not speak: 400, 414, 431, 505), in the same JSON error shape as every
 * other refusal rather than Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = response.getStatus();
        String message = (String) request.getAttribute(ERROR_MESSAGE);
        if (request.getAttribute(ERROR_EXCEPTION) instanceof HttpException e) {
            status = e.getCode();
            response.setStatus(status);
            message = message != null ? message : e.getReason();
        }
        if (response.getHeaders().get(RequestIds.HEADER) == null) { // refused before RequestIds saw it
            response.getHeaders().put(RequestIds.HEADER, RequestIds.generate());
        }
        if (HttpStatus.hasNoBody(status) || "HEAD".equals(request.getMethod())) {
            callback.succeeded();
            return true;
        }
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(status) : message;
        byte[] body = Json.bytes(ErrorResponses.body(status, null, describe(status, text)));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** What status means for the client, with Jetty's reason. */
    private static String describe(int status, String reason) {
        return switch (status) {
            case 400 -> "malformed request: " + reason;
            case 414 -> "the request's URI is longer than this server reads (" + reason + ")";
            case 431 -> "the request's headers are larger than this server reads (" + reason + ")";
            case 505 -> "this server speaks HTTP/1.0 and HTTP/1.1 (" + reason + ")";
            default -> reason;
        };
    }
}
