package org.jpeglm.serve;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The API requests in flight and whether the server still takes new ones: what shutting down waits for. Once
 * {@link #start() draining}, a new request is refused (503, retry elsewhere) while those already in flight run on.
 */
final class Drain {
    /** The request attribute of a request counted in: the access log counts it out once its answer is written. */
    static final String COUNTED = "jpeglm.drain.counted";

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private int inFlight; // under lock
    private volatile boolean draining;

    /** Counts a request in; throws 503 once draining. */
    void enter() {
        lock.lock();
        try {
            if (draining) {
                throw shuttingDown();
            }
            inFlight++;
        } finally {
            lock.unlock();
        }
    }

    /** Counts a request (one that {@link #enter() entered}) out. */
    void leave() {
        lock.lock();
        try {
            if (--inFlight == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** From now on new requests are refused. */
    void start() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    /** Waits up to time for the requests in flight to end; whether they did. */
    boolean awaitIdle(Duration time) throws InterruptedException {
        long left = time.toNanos();
        lock.lock();
        try {
            while (inFlight > 0) {
                if (left <= 0) {
                    return false;
                }
                left = idle.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** The answer to a request that comes while the server shuts down: retry at once, on another replica. */
    static ApiException shuttingDown() {
        return ApiException.busy("the server is shutting down; retry on another server", 1);
    }
}
