package org.jpeglm.convert;

import java.util.Locale;

/** A number of bytes as people read it: "512 B", "97.3 KiB", "12.0 MiB", "3.52 GiB". */
public final class ByteSize {
    private ByteSize() {}

    public static String format(long n) {
        if (n < 1 << 10) {
            return n + " B";
        }
        if (n < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        if (n < 1L << 30) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (double) (1 << 20));
        }
        return String.format(Locale.ROOT, "%.2f GiB", n / (double) (1L << 30));
    }
}
