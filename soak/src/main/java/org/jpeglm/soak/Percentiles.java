package org.jpeglm.soak;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Nearest-rank percentiles of a list of durations in nanoseconds, for reports in milliseconds. */
record Percentiles(long p50, long p99, long max, int count) {
    static Percentiles of(List<Long> nanos) {
        if (nanos.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        long[] v = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(v);
        return new Percentiles(rank(v, 0.50), rank(v, 0.99), v[v.length - 1], v.length);
    }

    private static long rank(long[] sorted, double p) {
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.clamp(i, 0, sorted.length - 1)];
    }

    static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e6);
    }

    @Override
    public String toString() {
        return "p50 " + ms(p50) + " ms, p99 " + ms(p99) + " ms, max " + ms(max) + " ms (" + count + ")";
    }
}
