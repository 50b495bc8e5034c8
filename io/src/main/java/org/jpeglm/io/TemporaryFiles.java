package org.jpeglm.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The registry of this process's temporary files: those created and not yet renamed or deleted. When the JVM
 * shuts down (Ctrl-C, SIGTERM) its hook deletes every registered file, then runs the registered shutdown actions;
 * from then on other threads (which keep running until the JVM halts) can neither create a temporary nor rename
 * one, so nothing appears after the cleanup. Creation, renaming and the cleanup hold one lock: a temporary is
 * either registered before the cleanup (and deleted by it) or refused after it.
 */
final class TemporaryFiles {
    private static final TemporaryFiles PROCESS = new TemporaryFiles(true);

    private final Set<Path> registered = new LinkedHashSet<>();
    private final List<Runnable> actions = new ArrayList<>();
    private boolean shuttingDown;
    /** The thread running the shutdown: its actions may still write (e.g. a summary saying what is complete). */
    private Thread cleaner;

    TemporaryFiles(boolean hook) {
        if (hook) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "jpeglm-temporary-files"));
            } catch (IllegalStateException alreadyShuttingDown) {
                shuttingDown = true;
            }
        }
    }

    /** The registry of this process, whose cleanup runs at JVM shutdown. */
    static TemporaryFiles process() {
        return PROCESS;
    }

    /** Creates (empty) and registers a fresh temporary file beside target. */
    synchronized Path create(Path target) throws IOException {
        refuseWhenShuttingDown(target);
        Path tmp = AtomicFile.temporarySibling(target);
        Files.createFile(tmp);
        registered.add(tmp);
        return tmp;
    }

    /** Renames tmp over target and forgets it; refused once the JVM shuts down (tmp is gone then). */
    synchronized void rename(Path tmp, Path target) throws IOException {
        refuseWhenShuttingDown(target);
        AtomicFile.replace(tmp, target);
        registered.remove(tmp);
    }

    /** Deletes tmp (if it is still there) and forgets it. */
    synchronized void delete(Path tmp) throws IOException {
        try {
            Files.deleteIfExists(tmp);
        } finally {
            registered.remove(tmp);
        }
    }

    synchronized boolean isRegistered(Path tmp) {
        return registered.contains(tmp);
    }

    synchronized boolean shuttingDown() {
        return shuttingDown;
    }

    /** Whether the calling thread may write: always, but while the JVM shuts down only the shutdown's own thread. */
    synchronized boolean mayWrite() {
        return !shuttingDown || Thread.currentThread() == cleaner;
    }

    /** Adds action to what the shutdown runs after the cleanup; it may write through AtomicFile. */
    synchronized AtomicFile.ShutdownAction atShutdown(Runnable action) {
        actions.add(action);
        return () -> {
            synchronized (this) {
                actions.remove(action);
            }
        };
    }

    /** What the shutdown hook does: refuse new temporaries, delete the registered ones, run the actions. */
    void shutdown() {
        List<Runnable> toRun;
        synchronized (this) {
            shuttingDown = true;
            cleaner = Thread.currentThread();
            for (Path tmp : registered) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort while the JVM stops: the others still go
                }
            }
            registered.clear();
            toRun = List.copyOf(actions);
        }
        for (Runnable action : toRun) {
            try {
                action.run();
            } catch (RuntimeException ignored) {
                // one action's failure must not keep the next from running
            }
        }
    }

    private void refuseWhenShuttingDown(Path target) throws IOException {
        if (shuttingDown && Thread.currentThread() != cleaner) {
            throw new ShuttingDownException(target);
        }
    }

    /** What a writer gets once the JVM shuts down: the target was left as it was. */
    static final class ShuttingDownException extends IOException {
        ShuttingDownException(Path target) {
            super("stopped: the process is shutting down, " + target + " was not written");
        }
    }
}
