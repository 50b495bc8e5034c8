package org.jpeglm.serve;

import java.util.Locale;

/**
 * The Java heap the requests' images may hold at once, shared by every request: each reserves what its images will
 * hold until it is answered before it is submitted, and gives it back after. A request that could never fit is
 * refused naming the limit (400); one that does not fit beside the others now is told to retry (503). So one
 * request of huge images cannot end in an OutOfMemoryError that also fails the requests beside it: the check
 * {@code jpeglm generate} makes before a run, made per request.
 */
final class HeapBudget {
    /** Share of the heap free at the start that requests may fill: the rest is for encoding answers and Jetty. */
    static final double SHARE = 0.75;

    private final long total;
    private long reserved; // guarded by this

    HeapBudget(long total) {
        this.total = total;
    }

    /** {@link #SHARE} of the heap free now. */
    static HeapBudget ofFreeHeap() {
        Runtime rt = Runtime.getRuntime();
        return new HeapBudget((long) ((rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())) * SHARE));
    }

    long total() {
        return total;
    }

    /** A reservation, given back by closing it (once). */
    final class Reservation implements AutoCloseable {
        private long bytes;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            synchronized (HeapBudget.this) {
                reserved -= bytes;
                bytes = 0;
            }
        }
    }

    /**
     * Reserves count items of bytesEach for a request.
     *
     * @param field the request's field that asked for them, named in a refusal
     * @param what what the items are, e.g. "images of 16384x16384"
     * @param retryAfter seconds after which a retry may fit (the Retry-After of a 503)
     */
    Reservation reserve(long count, long bytesEach, String field, String what, int retryAfter) {
        long bytes = saturatedMultiply(count, bytesEach);
        if (bytes > total) {
            long fit = total / bytesEach;
            throw ApiException.badField(
                    field,
                    count + " " + what + " hold about " + size(bytes) + " in memory until answered, more than this"
                            + " server keeps for requests (" + size(total) + " of its Java heap): ask for at most "
                            + fit + ", or start the server with a larger heap (e.g. JAVA_TOOL_OPTIONS=-Xmx"
                            + suggestedHeapGiB(bytes) + "g)");
        }
        synchronized (this) {
            if (reserved + bytes > total) {
                throw ApiException.busy(
                        "the memory this server keeps for requests is held by others' images (" + size(reserved)
                                + " of " + size(total) + "; these " + count + " " + what + " need " + size(bytes)
                                + "); retry later",
                        retryAfter);
            }
            reserved += bytes;
        }
        return new Reservation(bytes);
    }

    synchronized long reserved() {
        return reserved;
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return hi == 0 && lo >= 0 ? lo : Long.MAX_VALUE;
    }

    /** A heap, in GiB, whose share kept for requests holds bytes, with a GiB for the rest. */
    static long suggestedHeapGiB(double bytes) {
        return (long) Math.ceil(bytes / SHARE / (1L << 30)) + 1;
    }

    static String size(double bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (1L << 30));
        }
        return String.format(Locale.ROOT, "%.0f MiB", Math.ceil(bytes / (1L << 20)));
    }
}
