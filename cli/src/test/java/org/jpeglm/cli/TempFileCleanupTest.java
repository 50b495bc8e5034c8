package org.jpeglm.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which files the shutdown hook of convert deletes beside its output. */
class TempFileCleanupTest {
    private static final long PID = ProcessHandle.current().pid();

    @Test
    void temporariesOfTheOutputAndTheirOwnTemporariesAreDeleted() {
        assertTrue(TempFileCleanup.isTemporaryOf("m.gguf", ".m.gguf." + PID + "-1.partial"));
        // The soak suite found this one left after SIGINT during convert --type q4_k_m (docs/soak.md).
        assertTrue(TempFileCleanup.isTemporaryOf("m.gguf", "..m.gguf." + PID + "-1.partial." + PID + "-2.partial"));
    }

    @Test
    void otherFilesAreKept() {
        assertFalse(TempFileCleanup.isTemporaryOf("m.gguf", "m.gguf"));
        assertFalse(TempFileCleanup.isTemporaryOf("m.gguf", ".m.gguf." + (PID + 1) + "-1.partial"));
        assertFalse(TempFileCleanup.isTemporaryOf("m.gguf", ".other.gguf." + PID + "-1.partial"));
        assertFalse(TempFileCleanup.isTemporaryOf("m.gguf", "x.m.gguf." + PID + "-1.partial"));
    }
}
