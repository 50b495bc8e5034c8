package org.jpeglm.serve;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;

/**
 * Gives every request an id, echoed in the {@code X-Request-Id} answer header and written in its log lines: the
 * client's own {@code X-Request-Id} when it sent a usable one (a load balancer or a client tying its logs to the
 * server's), otherwise 16 random hex digits. Runs in Jetty before any route, so static files and refusals have one
 * too.
 */
final class RequestIds implements HttpConfiguration.Customizer {
    static final String HEADER = "X-Request-Id";

    /** The request attribute holding the id. */
    static final String ATTRIBUTE = "jpeglm.requestId";

    /** Longest id taken from a client; a longer one is replaced. */
    static final int MAX_LENGTH = 128;

    @Override
    public Request customize(Request request, HttpFields.Mutable responseHeaders) {
        String id =
                usable(request.getHeaders().get(HEADER)) ? request.getHeaders().get(HEADER) : generate();
        request.setAttribute(ATTRIBUTE, id);
        responseHeaders.put(HEADER, id);
        return request;
    }

    /** Whether a client's id can be echoed and logged as it is: 1 to 128 printable ASCII characters, no spaces. */
    static boolean usable(String id) {
        return id != null
                && !id.isEmpty()
                && id.length() <= MAX_LENGTH
                && id.chars().allMatch(c -> c > 0x20 && c < 0x7F);
    }

    static String generate() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
