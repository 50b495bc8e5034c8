package org.jpeglm.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The suite's quick mode, one part per test (a few minutes on two cores in all): what scripts/soak runs before a
 * release, at a size for CI. Runs only with -Psoak (the module is not in the default build).
 */
class SoakQuickTest {
    @TempDir
    Path work;

    @ParameterizedTest
    @EnumSource(
            value = Soak.Part.class,
            names = {"MODEL_FILE"},
            mode = EnumSource.Mode.EXCLUDE)
    void partPasses(Soak.Part part) throws Exception {
        assertPasses(soak().run(SoakConfig.quick(), List.of(part)));
    }

    @Test
    void replacingTheModelFileByRenameLeavesARunningGenerateAlone() throws Exception {
        Soak soak = soak();
        Fixtures f = soak.fixtures();
        assertPasses(List.of(ModelFilePart.run(f, SoakConfig.quick(), List.of(ModelFilePart.Change.REPLACE))));
    }

    @Test
    @Disabled("known defect, docs/soak.md: truncating the mapped model kills the JVM with SIGBUS, overwriting it in "
            + "place changes the images silently; needs a native fix (load without mmap, or detect the change)")
    void changingTheMappedModelFileIsDetected() throws Exception {
        Fixtures f = soak().fixtures();
        assertPasses(List.of(ModelFilePart.run(
                f, SoakConfig.quick(), List.of(ModelFilePart.Change.TRUNCATE, ModelFilePart.Change.OVERWRITE))));
    }

    private Soak soak() {
        Soak soak = new Soak();
        soak.cli = Path.of(System.getProperty("jpeglm.soak.cli", "cli/target/jpeglm.jar"));
        soak.model = Path.of(System.getProperty("jpeglm.soak.model", "models/fashion-mnist-32.gguf"));
        soak.work = work;
        return soak;
    }

    private static void assertPasses(List<PartResult> results) {
        assertEquals(1, results.size());
        PartResult r = results.getFirst();
        System.out.println(r.markdown());
        // Mounting a tmpfs needs root: elsewhere the part says so (visible as a skipped test, not a pass).
        Assumptions.assumeFalse(r.skipped(), r::markdown);
        // Time bounds (cancel latency) are reported, not asserted: the machine running the tests may be loaded.
        assertTrue(r.correct(), r::markdown);
    }
}
