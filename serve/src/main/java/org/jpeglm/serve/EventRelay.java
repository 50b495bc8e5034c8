package org.jpeglm.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.jpeglm.image.ImageEvent;
import org.jpeglm.image.ImageListener;

/**
 * Hands one request's events from the service's scheduler thread (which must not wait) to the thread that writes
 * them to the client. Only the latest progress and the latest preview of an image are kept until taken, so a slow
 * client gets fewer updates rather than making the server hold every one; finished images are always kept. Per
 * image the order stays progress, preview, finished.
 */
final class EventRelay implements ImageListener {
    private final Map<Integer, ImageEvent.Progress> progress = new TreeMap<>();
    private final Map<Integer, ImageEvent.Preview> previews = new TreeMap<>();
    private final List<ImageEvent.Finished> finished = new ArrayList<>();
    private boolean ended;

    @Override
    public synchronized void onEvent(ImageEvent event) {
        switch (event) {
            case ImageEvent.Progress p -> progress.put(p.index(), p);
            case ImageEvent.Preview p -> previews.put(p.index(), p);
            case ImageEvent.Finished f -> finished.add(f);
        }
        notifyAll();
    }

    /** No more events will come (the task is done): a waiting {@link #take} returns at once. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The events that arrived since the last call, waiting up to timeout for the first (not once ended). */
    synchronized List<ImageEvent> take(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (isEmpty() && !ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return List.of();
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        List<ImageEvent> out = new ArrayList<>(progress.values());
        out.addAll(previews.values());
        out.addAll(finished);
        progress.clear();
        previews.clear();
        finished.clear();
        return out;
    }

    private boolean isEmpty() {
        return progress.isEmpty() && previews.isEmpty() && finished.isEmpty();
    }
}
