package org.jpeglm.serve;

import io.javalin.http.Context;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.time.Duration;

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

    /** The longest a drain reads (a read in progress then ends at the connector's idle timeout at most). */
    static final Duration DRAIN_TIME = Duration.ofSeconds(5);

    private RefusedBodies() {}

    /**
     * Drops what is left of ctx's body (nothing if it was read): up to DRAIN_BYTES within DRAIN_TIME, else the
     * connection closes after the answer. A client waiting for "100 Continue" is not asked for a body the server will
     * drop: its connection closes instead.
     */
    static void drop(Context ctx) {
        if ("100-continue".equalsIgnoreCase(ctx.header("Expect"))) {
            ctx.header("Connection", "close"); // asking for the body (getInputStream) would send 100 Continue
            return;
        }
        try {
            ServletInputStream in = ctx.req().getInputStream();
            if (in.isFinished()) {
                return;
            }
            if (ctx.req().getContentLengthLong() > DRAIN_BYTES) {
                ctx.header("Connection", "close");
                return;
            }
            byte[] buffer = new byte[64 << 10];
            long left = DRAIN_BYTES;
            long deadline = System.nanoTime() + DRAIN_TIME.toNanos();
            for (int n; left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) >= 0; ) {
                left -= n;
                if (System.nanoTime() > deadline) {
                    ctx.header("Connection", "close"); // a body arriving too slowly to wait for
                    return;
                }
            }
            if (left == 0 && in.read() >= 0) {
                ctx.header("Connection", "close"); // an unannounced body longer than the drain
            }
        } catch (IOException | RuntimeException e) {
            ctx.header("Connection", "close"); // the client's broken body: nothing more to read
        }
    }
}
