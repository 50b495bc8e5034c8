package org.jpeglm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import org.jpeglm.codec.Written;

/**
 * Makes the results of one run's written streams on worker threads while the engine goes on writing the others
 * (a video's decode is an ffmpeg process: on the engine's thread it would hold every sequence back), and hands each
 * result to the listener on the caller's thread, as soon as it is ready.
 *
 * @param <R> the result of one stream
 */
public final class Finisher<R> implements AutoCloseable {
    private static final int WORKERS = 2;
    private final Function<Written, R> finish;
    private final ObjIntConsumer<? super R> listener; // a result and its index
    private final List<CompletableFuture<R>> finishing;
    private final boolean[] delivered;
    private final ExecutorService workers;

    /** The pool a run finishes on, its threads named after what they make ("video-decode"). */
    public static ExecutorService newWorkers(String name) {
        return Executors.newFixedThreadPool(
                WORKERS,
                Thread.ofPlatform().daemon().name("jpeglm-" + name + "-", 0).factory());
    }

    /** Finishes count streams on workers (closing this shuts them down), delivering each result to listener. */
    public Finisher(
            Function<Written, R> finish, int count, ObjIntConsumer<? super R> listener, ExecutorService workers) {
        this.finish = finish;
        this.listener = listener;
        this.workers = workers;
        this.finishing = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            finishing.add(null);
        }
        this.delivered = new boolean[count];
    }

    /** Starts finishing a written stream, and delivers the results already made (the engine's thread calls this). */
    public void submit(Written written) {
        finishing.set(written.index(), CompletableFuture.supplyAsync(() -> finish.apply(written), workers));
        deliverReady();
    }

    /**
     * Every result, in index order (the ones not yet delivered go to the listener first); afterEach runs after each
     * delivery (a cancel by the listener, once the engine is done, is noticed there).
     */
    public List<R> all(Runnable afterEach) {
        List<R> results = new ArrayList<>(finishing.size());
        for (int i = 0; i < finishing.size(); i++) {
            R result = join(finishing.get(i));
            if (deliver(i, result)) {
                afterEach.run();
            }
            results.add(result);
        }
        return results;
    }

    private void deliverReady() {
        for (int i = 0; i < finishing.size(); i++) {
            CompletableFuture<R> f = finishing.get(i);
            if (f != null && f.isDone()) {
                deliver(i, join(f));
            }
        }
    }

    private boolean deliver(int index, R result) {
        if (delivered[index]) {
            return false;
        }
        delivered[index] = true;
        listener.accept(result, index);
        return true;
    }

    private static <R> R join(CompletableFuture<R> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
