package org.jpeglm.serve;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * What the server does with the rest of a request's body when it answers with an error before reading it all (413
 * larger than it reads, 401, 403, 503 while shutting down, …): reads and drops up to {@link #DRAIN_BYTES} of it, so
 * that the client, which may still be sending, reads the answer on a connection that stays usable; a longer rest is
 * not read, and the connection is closed after the answer. Without it a refused request raced the connection's
 * close: a client could see a reset instead of the answer, or reuse a connection the server was closing.
 */
final class RefusedBodies {
    /** The most of a refused body read and dropped: a few uploads' worth, not what a client may announce. */
    static final long DRAIN_BYTES = 8L << 20;

    private RefusedBodies() {}

    /** Drops what is left of ctx's body (nothing if it was read): up to DRAIN_BYTES, else the connection closes. */
    static void drop(Context ctx) {
        if (ctx.req().getContentLengthLong() > DRAIN_BYTES) {
            ctx.header("Connection", "close");
            return;
        }
        try {
            InputStream in = ctx.req().getInputStream();
            byte[] buffer = new byte[64 << 10];
            long left = DRAIN_BYTES;
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0; ) {
                left -= n;
            }
            if (left == 0 && in.read() >= 0) {
                ctx.header("Connection", "close"); // an unannounced body longer than the drain
            }
        } catch (IOException e) {
            ctx.header("Connection", "close"); // the client's broken body: nothing more to read
        }
    }
}
