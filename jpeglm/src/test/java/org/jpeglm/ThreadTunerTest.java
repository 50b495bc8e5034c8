package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import org.jpeglm.testing.ScriptRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic thread count's decisions (native/src/thread_tuner.cpp, no I/O) on made-up 2-CPU machines:
 * native/test/thread_tuner_test.cpp, compiled here with the C++ compiler that builds the library and run. A quiet
 * machine where two threads win climbs to 2 within a short run (≥ 0.9× of {@code -t 2}), a full one never tries 2,
 * a machine where one thread wins goes to 1, and a busy process that comes and goes takes the count 2 → 1 → 2, each
 * phase at ≥ 0.9× of its best fixed count. Simulated time only: the test's outcome does not depend on this machine.
 */
class ThreadTunerTest {
    @TempDir
    Path dir;

    @Test
    void theTunerClimbsOnAQuietMachineAndHoldsOnABusyOne() {
        Path root = PrebuiltRuntimes.root();
        Path exe = dir.resolve("thread_tuner_test");
        String cxx = System.getenv().getOrDefault("CXX", "g++");
        ScriptRun build = ScriptRun.run(
                List.of(
                        cxx,
                        "-std=c++17",
                        "-Wall",
                        "-Wextra",
                        "-Werror",
                        "-I" + root.resolve("native/src"),
                        root.resolve("native/src/thread_tuner.cpp").toString(),
                        root.resolve("native/test/thread_tuner_test.cpp").toString(),
                        "-o",
                        exe.toString()),
                dir);
        assertEquals(0, build.exit(), build.output());
        ScriptRun run = ScriptRun.run(List.of(exe.toString()), dir);
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("thread_tuner_test: all passed"), run.output());
        assertFalse(run.output().contains("FAIL"), run.output());
    }
}
