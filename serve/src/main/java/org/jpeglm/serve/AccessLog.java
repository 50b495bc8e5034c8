package org.jpeglm.serve;

import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.RequestLog;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.NanoTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per answered request, Jetty's own refusals included, and its count in the metrics:
 * {@code id=… method=POST path=/v1/images/generations status=200 ms=812 images=4} (logfmt: a field per word, easy to
 * grep and parse). Logged at INFO by {@code org.jpeglm.serve.access}; the id is the request's {@link RequestIds}.
 */
final class AccessLog implements RequestLog {
    /** The request attribute where a handler puts how many images its answer held (generated or scored). */
    static final String IMAGES = "jpeglm.images";

    private static final Logger LOG = LoggerFactory.getLogger("org.jpeglm.serve.access");

    private final Metrics metrics;
    private final Drain drain;

    AccessLog(Metrics metrics, Drain drain) {
        this.metrics = metrics;
        this.drain = drain;
    }

    /** Logs and counts a finished request; one the drain counted in (an API request) is counted out here. */
    @Override
    public void log(Request request, Response response) {
        try {
            record(request, response);
        } finally {
            if (request.getAttribute(Drain.COUNTED) != null) {
                drain.leave();
            }
        }
    }

    private void record(Request request, Response response) {
        long nanos = NanoTime.since(request.getBeginNanoTime());
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        int status = response.getStatus();
        metrics.request(path, status, nanos / 1e9);
        if (LOG.isInfoEnabled()) {
            LOG.info(
                    "id={} method={} path={} status={} ms={} images={}",
                    id(request, response),
                    clip(request.getMethod()),
                    clip(path),
                    status,
                    nanos / 1_000_000,
                    request.getAttribute(IMAGES) instanceof Integer n ? n : 0);
        }
    }

    private static String id(Request request, Response response) {
        if (request.getAttribute(RequestIds.ATTRIBUTE) instanceof String id) {
            return id;
        }
        String echoed = response.getHeaders().get(RequestIds.HEADER);
        return echoed != null ? echoed : "-";
    }

    /** A client's word as one logfmt value: no spaces or control characters, at most 200 characters. */
    private static String clip(String s) {
        if (s == null || s.isEmpty()) {
            return "-";
        }
        String t = s.length() > 200 ? s.substring(0, 200) + "..." : s;
        return t.chars().anyMatch(AccessLog::unsafe) ? replaceUnsafe(t) : t; // no copy, no regex, in the usual case
    }

    /** What {@link #clip} replaces: white space and control characters (as regex's {@code [\s\p{Cntrl}]}). */
    private static boolean unsafe(int c) {
        return c <= 0x20 || c == 0x7F;
    }

    private static String replaceUnsafe(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (unsafe(chars[i])) {
                chars[i] = '_';
            }
        }
        return new String(chars);
    }
}
