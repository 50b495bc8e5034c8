package org.jpeglm.serve;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import org.jpeglm.codec.Event;
import org.jpeglm.codec.Listener;

/**
 * Hands one request's events from the service's scheduler thread to the thread that writes them to the client.
 * Only the latest progress and the latest preview of an image are kept until taken, so a slow client gets fewer
 * updates rather than making the server hold every one; finished images are always kept. Per image the order stays
 * progress, preview, finished.
 *
 * <p>The scheduler thread must not wait: every sequence waits for it. So it never takes a lock here (a writer holding
 * one while its carrier thread is descheduled would stall the batch), and it wakes the writer only when there is
 * something to write at once: a finished image, the end, or, once a gap after the writer's last take is over, any
 * event. The writer sets no timer for the gap's end: it is woken by the scheduler's next event after it, so that its
 * work starts when the scheduler has just finished a step rather than at a random moment of one, when it would take a
 * core from ggml's threads in the middle of their computation (on a small machine every sequence then waits).
 */
final class EventRelay<R> implements Listener<R> {
    private final AtomicReferenceArray<Event.Progress<R>> progress;
    private final AtomicReferenceArray<Event.Preview<R>> previews;
    private final Queue<Event.Finished<R>> finished = new ConcurrentLinkedQueue<>();
    private final long gapNanos;
    private volatile long quietUntil; // System.nanoTime() before which progress and previews wake no one
    private volatile Thread writer; // while it waits
    private volatile boolean ended;

    /**
     * @param images the request's images (events name them 0 .. images - 1)
     * @param gap least time between two takes that only progress or previews end
     */
    EventRelay(int images, Duration gap) {
        this.progress = new AtomicReferenceArray<>(images);
        this.previews = new AtomicReferenceArray<>(images);
        this.gapNanos = gap.toNanos();
        this.quietUntil = System.nanoTime(); // the first take waits for no gap
    }

    @Override
    public void onEvent(Event<R> event) {
        switch (event) {
            case Event.Progress<R> p -> progress.set(p.index(), p);
            case Event.Preview<R> p -> previews.set(p.index(), p);
            case Event.Finished<R> f -> finished.add(f);
        }
        Thread t = writer;
        if (t != null && (event instanceof Event.Finished || gapOver())) {
            LockSupport.unpark(t);
        }
    }

    /** No more events will come (the task is done): a waiting {@link #take} returns at once. */
    void end() {
        ended = true;
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * The events that arrived since the last call, waiting up to timeout for one worth a write: a finished image, the
     * end, or, once the gap since the last call is over, any event. At the timeout it returns what there is. One
     * writer thread calls it.
     */
    List<Event<R>> take(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        writer = Thread.currentThread(); // before looking: an event after the look wakes this thread
        try {
            while (!ready() && parkUntil(deadline)) {
                // woken by an event, the end, or the deadline
            }
        } finally {
            writer = null;
        }
        quietUntil = System.nanoTime() + gapNanos;
        return drain();
    }

    private boolean ready() {
        return !finished.isEmpty() || ended || (gapOver() && !isEmpty());
    }

    private boolean gapOver() {
        return System.nanoTime() - quietUntil >= 0;
    }

    /** The finished images first: every progress and preview of theirs was set before they came. */
    private List<Event<R>> drain() {
        List<Event<R>> done = new ArrayList<>();
        for (Event.Finished<R> f; (f = finished.poll()) != null; ) {
            done.add(f);
        }
        List<Event<R>> out = new ArrayList<>();
        takeAll(progress, out);
        takeAll(previews, out);
        out.addAll(done);
        return out;
    }

    private static <R, E extends Event<R>> void takeAll(AtomicReferenceArray<E> events, List<Event<R>> out) {
        for (int i = 0; i < events.length(); i++) {
            E e = events.getAndSet(i, null);
            if (e != null) {
                out.add(e);
            }
        }
    }

    /** Parks until woken or until time (System.nanoTime()); false when time has come. */
    private static boolean parkUntil(long time) throws InterruptedException {
        long left = time - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        LockSupport.parkNanos(left);
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return true;
    }

    private boolean isEmpty() {
        if (!finished.isEmpty()) {
            return false;
        }
        for (int i = 0; i < progress.length(); i++) {
            if (progress.get(i) != null || previews.get(i) != null) {
                return false;
            }
        }
        return true;
    }
}
