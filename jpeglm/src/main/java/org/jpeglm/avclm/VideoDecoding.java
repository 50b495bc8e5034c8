package org.jpeglm.avclm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Decodes one run's finished videos on worker threads while the engine goes on writing the others (each decode is
 * an ffmpeg process: on the engine's thread it would hold every sequence back), and hands each decoded video to the
 * listener on the caller's thread, as soon as it is ready.
 */
final class VideoDecoding implements AutoCloseable {
    private static final int WORKERS = 2;
    private final VideoCodec codec;
    private final Consumer<GeneratedVideo> listener;
    private final List<CompletableFuture<GeneratedVideo>> decoding;
    private final boolean[] delivered;
    private final ExecutorService workers;

    /** The pool a run decodes on, shut down when the run's decoding is closed. */
    static ExecutorService newWorkers() {
        return Executors.newFixedThreadPool(
                WORKERS,
                Thread.ofPlatform().daemon().name("jpeglm-video-decode-", 0).factory());
    }

    /** Decodes count videos on workers (closing this shuts them down), delivering each to listener. */
    VideoDecoding(VideoCodec codec, int count, Consumer<GeneratedVideo> listener, ExecutorService workers) {
        this.codec = codec;
        this.listener = listener;
        this.workers = workers;
        this.decoding = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            decoding.add(null);
        }
        this.delivered = new boolean[count];
    }

    /** Starts decoding a finished video, and delivers those already decoded (the engine's thread calls this). */
    void submit(WrittenVideo video) {
        decoding.set(video.index(), CompletableFuture.supplyAsync(() -> codec.decode(video), workers));
        deliverReady();
    }

    /**
     * Every video, decoded, in index order (the ones not yet delivered go to the listener first); afterEach runs
     * after each delivery (a cancel by the listener, once the engine is done, is noticed there).
     */
    List<GeneratedVideo> all(Runnable afterEach) {
        List<GeneratedVideo> videos = new ArrayList<>(decoding.size());
        for (int i = 0; i < decoding.size(); i++) {
            GeneratedVideo video = join(decoding.get(i));
            if (deliver(i, video)) {
                afterEach.run();
            }
            videos.add(video);
        }
        return videos;
    }

    private void deliverReady() {
        for (int i = 0; i < decoding.size(); i++) {
            CompletableFuture<GeneratedVideo> f = decoding.get(i);
            if (f != null && f.isDone()) {
                deliver(i, join(f));
            }
        }
    }

    private boolean deliver(int index, GeneratedVideo video) {
        if (delivered[index]) {
            return false;
        }
        delivered[index] = true;
        listener.accept(video);
        return true;
    }

    private static GeneratedVideo join(CompletableFuture<GeneratedVideo> f) {
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
