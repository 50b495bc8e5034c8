package org.jpeglm;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An {@code rpc-server} (llama.cpp's, built with jpeglm: docs/deploy.md) that runs some of a model's layers on its
 * machine's CPU or GPU ({@link ModelOptions#rpcServers()}).
 *
 * @param host a host name, an IPv4 address, or an IPv6 address (without brackets)
 * @param port 1 to 65535
 */
public record RpcServer(String host, int port) {
    /** ggml's RPC backend talks to at most this many servers (jpeglm.h's JPEGLM_RPC_MAX_SERVERS). */
    public static final int MAX_SERVERS = 16;

    // Host names (RFC 1123 labels), IPv4 addresses, and IPv6 addresses (hex groups, colons, an IPv4 tail).
    private static final Pattern NAME =
            Pattern.compile("(?i)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final Pattern IPV6 = Pattern.compile("(?i)[0-9a-f:.]*:[0-9a-f:.]*");

    public RpcServer {
        Objects.requireNonNull(host, "host");
        if (host.length() > 253
                || !(NAME.matcher(host).matches() || IPV6.matcher(host).matches())) {
            throw new IllegalArgumentException("rpc server host '" + host + "' is not a host name or IP address");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("rpc server port " + port + " is not 1 to 65535 (" + host + ")");
        }
    }

    /**
     * Reads {@code HOST:PORT} as llama.cpp's {@code --rpc} takes it; an IPv6 address in brackets, {@code [::1]:50052}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static RpcServer parse(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        int colon = endpoint.lastIndexOf(':');
        if (colon <= 0 || colon == endpoint.length() - 1) {
            throw new IllegalArgumentException("rpc server '" + endpoint + "' is not HOST:PORT");
        }
        String host = endpoint.substring(0, colon);
        String port = endpoint.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException(
                    "rpc server '" + endpoint + "': write an IPv6 address in brackets, [ADDRESS]:PORT");
        }
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
            throw new IllegalArgumentException("rpc server '" + endpoint + "': the port must be 1 to 65535");
        }
        try {
            return new RpcServer(host, Integer.parseInt(port));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rpc server '" + endpoint + "': " + e.getMessage(), e);
        }
    }

    /** {@code HOST:PORT} ({@code [ADDRESS]:PORT} for IPv6), as {@link #parse} reads it. */
    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
