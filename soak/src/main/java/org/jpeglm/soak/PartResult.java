package org.jpeglm.soak;

import java.util.ArrayList;
import java.util.List;

/**
 * What one part of the suite found: a Markdown section for docs/soak.md, and the checks that failed (none: passed).
 * Parts add to it as they go, so a part stopped by an exception still reports what it saw.
 */
final class PartResult {
    private final String name;
    private final StringBuilder markdown = new StringBuilder();
    private final List<String> failures = new ArrayList<>();
    private final List<String> slow = new ArrayList<>();
    private boolean skipped;

    PartResult(String name) {
        this.name = name;
    }

    String name() {
        return name;
    }

    /** Appends one line of Markdown (a newline is added). */
    PartResult line(String text) {
        markdown.append(text).append('\n');
        return this;
    }

    /** Records a failed check unless ok; returns ok. */
    boolean check(boolean ok, String failure) {
        if (!ok) {
            failures.add(failure);
        }
        return ok;
    }

    /**
     * Records a missed time bound unless ok; returns ok. Apart from {@link #check}: scripts/soak fails on it, the
     * quick test only reports it (no timing thresholds in tests run on shared machines).
     */
    boolean checkTime(boolean ok, String failure) {
        if (!ok) {
            slow.add(failure);
        }
        return ok;
    }

    /** The part could not run here (e.g. mounting a file system is not permitted): said in the report, not silent. */
    void skip(String reason) {
        skipped = true;
        line("**Not run:** " + reason);
    }

    boolean skipped() {
        return skipped;
    }

    /** No failed check and no missed time bound. */
    boolean passed() {
        return failures.isEmpty() && slow.isEmpty();
    }

    /** No failed check; time bounds aside. */
    boolean correct() {
        return failures.isEmpty();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    String markdown() {
        StringBuilder s = new StringBuilder("## ").append(name).append("\n\n").append(markdown);
        s.append('\n')
                .append(skipped ? "Result: **not run**" : passed() ? "Result: **passed**" : "Result: **FAILED**")
                .append('\n');
        failures.forEach(f -> s.append("- ").append(f).append('\n'));
        slow.forEach(f -> s.append("- (time) ").append(f).append('\n'));
        return s.toString();
    }
}
