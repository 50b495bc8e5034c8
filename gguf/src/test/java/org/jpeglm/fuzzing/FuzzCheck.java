package org.jpeglm.fuzzing;

import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The invariant of every parser fuzz property: on any input the parser returns, or throws one of its documented
 * exception types; never another type (an Error included), never a hang, never an allocation out of proportion to
 * the input (a declared count trusted before it was checked against the bytes that hold it). A failure names the
 * input (jqwik names the try and the seed that made it).
 */
public final class FuzzCheck {
    /** Generous: an input takes milliseconds; only a hang (or a pathological slowdown) gets near it. */
    public static final long DEADLINE_SECONDS = 30;

    private static ExecutorService worker = newWorker();

    private FuzzCheck() {}

    /** What a parse does with one input; it may throw anything, which {@link #run} then judges. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** A budget of bytes allocated: per input byte, plus a constant for the parser's fixed costs. */
    public static long budget(long inputBytes, long perByte, long fixed) {
        return inputBytes * perByte + fixed;
    }

    /**
     * Runs body on a worker thread under {@link #DEADLINE_SECONDS}, and fails, naming the input, if it throws
     * something other than an instance of an expected type, does not finish, or allocates more than budget bytes.
     */
    public static synchronized void run(
            byte[] input, long budget, List<Class<? extends Throwable>> expected, Body body) {
        Future<Throwable> f = worker.submit(() -> measured(budget, body));
        Throwable thrown;
        try {
            thrown = f.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            worker = newWorker(); // the stuck thread is a daemon; later inputs get a fresh one
            throw new AssertionError("no result after " + DEADLINE_SECONDS + " s (a hang?) on " + describe(input));
        } catch (ExecutionException e) {
            throw new AssertionError(e.getCause().getMessage() + " on " + describe(input), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        if (thrown != null && expected.stream().noneMatch(t -> t.isInstance(thrown))) {
            throw new AssertionError(
                    "threw " + thrown + ", not one of " + expected + ", on " + describe(input), thrown);
        }
        if (thrown != null
                && (thrown.getMessage() == null || thrown.getMessage().isBlank())) {
            throw new AssertionError(
                    "threw " + thrown.getClass().getName() + " without a message on " + describe(input), thrown);
        }
    }

    /** Runs body, returns what it threw (or null); fails if it allocated more than budget bytes. */
    private static Throwable measured(long budget, Body body) {
        long before = Allocation.currentThread();
        Throwable thrown = null;
        try {
            body.run();
        } catch (Throwable t) {
            thrown = t;
        }
        long allocated = Allocation.currentThread() - before;
        if (allocated > budget) {
            throw new IllegalStateException("allocated " + allocated + " bytes, more than the budget of " + budget
                    + (thrown == null ? "" : " (then threw " + thrown + ")"));
        }
        return thrown;
    }

    /** The input's length and its first 2,000 bytes in hex. */
    public static String describe(byte[] input) {
        return input.length + " bytes: " + HexFormat.of().formatHex(input, 0, Math.min(input.length, 2000))
                + (input.length > 2000 ? "..." : "");
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** HotSpot's per-thread allocation counter, through reflection: test modules do not read jdk.management. */
    private static final class Allocation {
        private static final Object BEAN;
        private static final java.lang.reflect.Method CURRENT;

        static {
            try {
                BEAN = Class.forName("java.lang.management.ManagementFactory")
                        .getMethod("getThreadMXBean")
                        .invoke(null);
                CURRENT = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        static long currentThread() {
            try {
                return (Long) CURRENT.invoke(BEAN);
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }
}
