package org.jpeglm.serve;

import io.javalin.http.Context;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps web pages of other sites from using the server through a visitor's browser, as llama-server and Jupyter do.
 *
 * <ul>
 *   <li>The {@code Host} header must name this server: an IP address (a browser at an address is on that address's
 *       own origin), {@code localhost} or a name under it, the address it listens on, or a name of
 *       {@link ServeOptions#allowedHosts()}. A page of another site that points its own name at this server (DNS
 *       rebinding) sends its own name, and so could otherwise read the answers.
 *   <li>A POST that a browser marks as coming from another origin ({@code Sec-Fetch-Site} other than
 *       {@code same-origin} or {@code none}; without it, an {@code Origin} other than the {@code Host}) is refused
 *       unless its body is {@code application/json}: a form or text body is the kind a page of any site may send
 *       without asking (no CORS preflight), and the server reads such bodies (curl sends JSON as a form).
 * </ul>
 *
 * Clients that are no browser (curl, the SDKs) send neither {@code Origin} nor {@code Sec-Fetch-Site}, and the
 * server's own page is on its origin: both pass. Refusals are 403.
 */
final class SiteCheck {
    private final boolean anyHost;
    private final Set<String> names = new HashSet<>();

    SiteCheck(String boundHost, List<String> allowedHosts) {
        this.anyHost = allowedHosts.contains("*");
        names.add("localhost");
        names.add(strip(boundHost.toLowerCase(Locale.ROOT)));
        names.addAll(allowedHosts);
    }

    /** Throws 403 when ctx comes from another site's page (see the class). */
    void check(Context ctx) {
        String host = ctx.header("Host");
        if (host != null && !allowed(hostName(host))) {
            throw new ApiException(
                    403,
                    null,
                    "the Host '" + clip(host) + "' is not a name of this server; add it to the server's allowed hosts"
                            + " (jpeglm serve --allowed-host NAME) to answer to it");
        }
        String type = ctx.header("Content-Type"); // as sent: Jetty's parsed type throws on an unknown charset
        if (ctx.method().name().equals("POST") && !isJson(type) && crossOrigin(ctx, host)) {
            throw new ApiException(
                    403,
                    null,
                    "a cross-site request with a " + (type == null ? "body of no type" : "form or text body")
                            + " is refused (a page of another site may send one unasked); send application/json");
        }
    }

    boolean allowed(String hostName) {
        return anyHost
                || isIpLiteral(hostName)
                || names.contains(hostName)
                || hostName.endsWith(".localhost"); // always the loopback (RFC 6761), never another site
    }

    /** The name in a Host header (no port, no brackets, lower case, no final dot). */
    static String hostName(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.lastIndexOf(':');
        return strip(colon >= 0 && h.indexOf(':') == colon ? h.substring(0, colon) : h);
    }

    private static String strip(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean isIpLiteral(String name) {
        return name.matches("\\d{1,3}(\\.\\d{1,3}){3}") || name.startsWith("[") && name.endsWith("]");
    }

    private static boolean isJson(String contentType) {
        return contentType != null && contentType.split(";")[0].strip().equalsIgnoreCase("application/json");
    }

    /** Whether a browser says the request comes from a page of another origin. */
    private static boolean crossOrigin(Context ctx, String host) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = ctx.header("Origin");
        return origin != null && (host == null || !host.equalsIgnoreCase(authority(origin)));
    }

    /** The host[:port] of an Origin header ({@code null} and other opaque origins: none). */
    private static String authority(String origin) {
        try {
            URI u = URI.create(origin.strip());
            String a = u.getRawAuthority();
            if (a == null) {
                return "";
            }
            boolean defaultPort = u.getPort() == 80 && "http".equals(u.getScheme())
                    || u.getPort() == 443 && "https".equals(u.getScheme());
            return defaultPort ? a.substring(0, a.lastIndexOf(':')) : a;
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
