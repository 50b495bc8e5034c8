package org.jpeglm;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The one-thread rule of a {@link Session} or a {@link Sequence}: {@link #enter()} admits one thread at a time and
 * nobody after the session closed. The guard is itself the resource that leaves again, so
 * {@code try (var _ = guard.enter())} allocates nothing on the per-token path.
 *
 * <p>A sequence's owner stays set while its generate listener runs, so a call from the listener finds its own
 * thread inside and is refused as re-entry; after {@link #markClosed()} the owner stays set too, so every call is
 * refused.
 */
final class SessionGuard implements AutoCloseable {
    private final AtomicReference<Thread> owner = new AtomicReference<>();
    private final String what;
    private volatile boolean closed;

    /** A guard of what ("session", "sequence 3"), the name its refusals use. */
    SessionGuard(String what) {
        this.what = what;
    }

    /** Admits the calling thread, or throws {@link IllegalStateException} saying why not. */
    SessionGuard enter() {
        Thread self = Thread.currentThread();
        while (!owner.compareAndSet(null, self)) { // after close the owner stays set: closed sessions land here
            refuseUnlessJustLeft(self);
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
        while (!owner.compareAndSet(null, self)) {
            if (closed) {
                return false;
            }
            refuseUnlessJustLeft(self);
        }
        return true;
    }

    /** Throws, as a refused {@link #enter()} would, if a thread is inside. */
    void refuseIfInside() {
        if (owner.get() != null) {
            refuseUnlessJustLeft(Thread.currentThread());
        }
    }

    /** Marks the session closed; the owner stays set, so every later call is refused. */
    void markClosed() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * After a lost compare-and-set: throws why the session is not free, or returns if the owner left in between
     * (the caller tries again: the session is free, nobody uses it concurrently).
     */
    private void refuseUnlessJustLeft(Thread self) {
        Thread other = owner.get();
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
        if (other == self) {
            // Only a generate loop holds the guard while calling out, so this is its listener re-entering.
            throw new IllegalStateException("a generate listener cannot call its own " + what
                    + ": return false from the listener to stop, then call it after generate returns");
        }
        if (other != null) {
            throw new IllegalStateException(what + " is in use by thread \"" + other.getName() + "\" (id "
                    + other.threadId() + "), not the calling thread \"" + self.getName()
                    + "\": a session and its sequences are used by one thread at a time (cancel() excepted);"
                    + " give each thread its own session, or call it from the other thread once that call returns");
        }
    }
}
