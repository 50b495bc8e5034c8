package org.jpeglm;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The one-thread rule of a {@link Session}: {@link #enter()} admits one thread at a time and nobody after the
 * session closed. The guard is itself the resource that leaves again, so {@code try (var _ = guard.enter())}
 * allocates nothing on the per-token path.
 *
 * <p>The owner stays set while a generate listener runs, so a call from the listener finds its own thread inside
 * and is refused as re-entry; after {@link #markClosed()} the owner stays set too, so every call is refused.
 */
final class SessionGuard implements AutoCloseable {
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private volatile boolean closed;

    /** Admits the calling thread, or throws {@link IllegalStateException} saying why not. */
    SessionGuard enter() {
        Thread self = Thread.currentThread();
        if (!owner.compareAndSet(null, self)) { // after close the owner stays set: closed sessions land here
            throw refusal(self);
        }
        return this;
    }

    /** Leaves: the next call from any thread may enter. */
    @Override
    public void close() {
        owner.set(null);
    }

    /**
     * Enters to close the session: true if the caller now owns it for good (then {@link #markClosed()}), false if
     * it is closed already.
     */
    boolean enterToClose() {
        if (closed) {
            return false;
        }
        Thread self = Thread.currentThread();
        if (owner.compareAndSet(null, self)) {
            return true;
        }
        if (closed) {
            return false;
        }
        throw refusal(self);
    }

    /** Marks the session closed; the owner stays set, so every later call is refused. */
    void markClosed() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    private IllegalStateException refusal(Thread self) {
        if (closed) {
            return new IllegalStateException("session is closed");
        }
        Thread other = owner.get();
        if (other == self) {
            return new IllegalStateException("a generate listener cannot call its own session (except cancel)");
        }
        return new IllegalStateException("session is in use by thread " + (other == null ? "?" : other.getName())
                + "; a session is used by one thread at a time");
    }
}
