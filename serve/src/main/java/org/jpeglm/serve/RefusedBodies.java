package org.jpeglm.serve;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/**
 * What the server does with the rest of a body it refuses before reading it all (413: larger than it reads): reads
 * and drops up to {@link #DRAIN_BYTES} more, so that the client, still sending, reads the answer on a connection that
 * stays open; a longer rest is not read, and the connection is closed after the answer. Without the drain a refused
 * upload raced the connection's close, and a client could see a reset instead of the 413.
 */
final class RefusedBodies {
    /** The most of a refused body read and dropped: a few uploads' worth, not what a client may announce. */
    static final long DRAIN_BYTES = 8L << 20;

    private RefusedBodies() {}

    /** Drops the rest of ctx's body: remaining bytes as announced, -1 if unknown (chunked). */
    static void drop(Context ctx, long remaining) {
        if (remaining > DRAIN_BYTES) {
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
