package org.jpeglm.serve;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionMetaData;
import org.eclipse.jetty.util.Callback;

/**
 * Notices at once that the client of a request whose answer is not written yet closed its connection. Jetty's HTTP/1
 * connection does not read while a handler runs (it reads again when the answer is done), so a client that leaves
 * is silent until something is written; this watch asks Jetty's selector to say when the socket becomes readable.
 * Readable with no byte to read is the client's end of stream (or a reset): the client is gone. Readable with bytes
 * is the client's next request, sent ahead: the watch ends and leaves them unread for Jetty. Nothing is read and
 * nothing written, so the answer and a pipelined request are untouched, and no thread waits: Jetty's selector
 * watches. (nginx judges a client gone the same way: a readable connection with nothing to read.) A client that only
 * shuts its sending side while it waits looks the same as one that left.
 *
 * <p>Watches plain HTTP/1 only: under TLS the socket's bytes are not the request's, and HTTP/2 reads all the time
 * on its own. Where it cannot watch it does nothing, and the request is answered as it would have been.
 */
final class ClientWatch implements Callback, AutoCloseable {
    private final AbstractEndPoint endPoint;
    private final Runnable onGone;
    private boolean watching; // guarded by this
    private boolean gone; // guarded by this
    private boolean emptyOnce; // guarded by this: the last wake-up found nothing to read

    private ClientWatch(AbstractEndPoint endPoint, Runnable onGone) {
        this.endPoint = endPoint;
        this.onGone = onGone;
    }

    /**
     * Watches req's connection until closed; onGone runs once (on a Jetty thread) if its client goes away. The
     * request's body must have been read: what the client sends next is not its body.
     */
    static ClientWatch start(HttpServletRequest req, Runnable onGone) {
        ClientWatch watch = new ClientWatch(plainHttp1(req), onGone);
        watch.watch();
        return watch;
    }

    /** req's connection when it is plain HTTP/1 over a socket; null otherwise. */
    private static AbstractEndPoint plainHttp1(HttpServletRequest req) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(req);
        ConnectionMetaData connection = request == null ? null : request.getConnectionMetaData();
        if (connection == null
                || connection.isSecure()
                || connection.getHttpVersion() != HttpVersion.HTTP_1_1
                        && connection.getHttpVersion() != HttpVersion.HTTP_1_0) {
            return null;
        }
        EndPoint endPoint = connection.getConnection().getEndPoint();
        return endPoint instanceof AbstractEndPoint e && e.getTransport() instanceof SocketChannel ? e : null;
    }

    /** Whether the client went away (and onGone ran). */
    synchronized boolean clientGone() {
        return gone;
    }

    private synchronized void watch() {
        // Fails only when someone else waits to read, e.g. a body still being read: then there is nothing to watch.
        watching = endPoint != null && endPoint.tryFillInterested(this);
    }

    /**
     * The socket is readable: its end, or the client's next request. Nothing to read is taken for the end only when
     * it is seen twice in a row: a socket at its end is readable at once again, while a wake-up with nothing behind it
     * (once in ~500 requests through HAProxy a client was judged gone after 6 ms) is not repeated.
     */
    @Override
    public synchronized void succeeded() {
        if (!watching) {
            return;
        }
        watching = false;
        if (pendingBytes() > 0) {
            return; // the client's next request: Jetty reads it once the answer is done
        }
        if (emptyOnce) {
            gone();
        } else {
            emptyOnce = true;
            watch();
        }
    }

    /** The connection failed or closed (or this watch was closed). */
    @Override
    public synchronized void failed(Throwable cause) {
        if (watching) {
            watching = false;
            if (!endPoint.isOpen()) {
                gone();
            }
        }
    }

    /** Ends the watch; after it, Jetty may read the connection again (it must, to take the next request). */
    @Override
    public void close() {
        synchronized (this) {
            if (!watching) {
                return;
            }
            watching = false; // the failure below, if it reaches this watch, is ignored
        }
        endPoint.getFillInterest().onFail(new Over());
    }

    private void gone() {
        gone = true;
        onGone.run();
    }

    /** Bytes the socket holds unread (FIONREAD; reads nothing); 0 when it is at its end or failed. */
    private int pendingBytes() {
        try {
            // Not closed on purpose: closing the socket's stream would close the connection.
            return ((SocketChannel) endPoint.getTransport())
                    .socket()
                    .getInputStream()
                    .available();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Ends a watch still armed at its close (a generation or score request whose answer is ready). Without a stack
     * trace: filling one in walked the request thread's Jetty and Javalin frames (2.6 % of the request threads' CPU
     * in a perf profile of ServeBench), and nothing but Jetty's debug log reads it ({@link #failed} ignores it once
     * the watch is over).
     */
    private static final class Over extends Exception {
        Over() {
            super("the answer is ready: the watch is over", null, false, false);
        }
    }
}
