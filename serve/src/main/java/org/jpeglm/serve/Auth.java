package org.jpeglm.serve;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The checks every API request passes before its handler runs: the API key (when the server has one) and the body
 * size the Content-Length announces (a body without one is bounded while it is read).
 */
final class Auth {
    private final byte[] key;
    private final long maxBodyBytes;

    Auth(String apiKey, long maxBodyBytes) {
        this.key = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
        this.maxBodyBytes = maxBodyBytes;
    }

    /** Throws 401 unless ctx carries the key ({@code Authorization: Bearer KEY} or {@code X-Api-Key: KEY}). */
    void requireKey(Context ctx) {
        if (key == null) {
            return;
        }
        String given = bearer(ctx.header("Authorization"));
        if (given == null) {
            given = ctx.header("X-Api-Key");
        }
        // Constant time: how long a refusal takes says nothing about how much of the key was right.
        if (given == null || !MessageDigest.isEqual(key, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(
                    401, null, given == null ? "missing API key: send Authorization: Bearer KEY" : "wrong API key");
        }
    }

    /** Throws 413 when the announced body is larger than the server reads. */
    void requireBodySize(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length > maxBodyBytes) {
            throw ApiException.tooLarge(
                    null, "the body is " + length + " bytes; this server reads at most " + maxBodyBytes);
        }
    }

    private static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        return h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).strip() : null;
    }
}
