package org.jpeglm.soak;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory as the kernel counts it (VmRSS in /proc/PID/status), in KiB. */
final class Rss {
    private Rss() {}

    /** This process's resident memory in KiB. */
    static long selfKiB() {
        return read(Path.of("/proc/self/status"));
    }

    static long read(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + status, e);
        }
        throw new IllegalStateException(status + " has no VmRSS line");
    }

    static String mib(long kib) {
        return String.format(java.util.Locale.ROOT, "%.1f", kib / 1024.0);
    }
}
