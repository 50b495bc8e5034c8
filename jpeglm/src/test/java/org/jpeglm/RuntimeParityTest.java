package org.jpeglm;

import static org.jpeglm.testing.LogitsAssert.assertLogitsClose;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jpeglm.PrebuiltRuntimes.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The prebuilt runtime computes what the library under test (the source build, unless Maven ran with
 * -Djpeglm.runtime=prebuilt) computes: with the CPU variant ggml picks for this machine, forced onto the oldest
 * variant (libggml-cpu-x64.so, SSE2 only) and onto another one (sse42). Logits agree within 1e-4 relative and
 * greedy generation is token-identical, on a tiny random GQA model with F32 weights (the bundled model, whose images
 * need the JPEG codec: codec/image's BundledModelParityTest);
 * the share of identical sampled sequences and images is printed (SIMD kernels sum floats in other orders, so a
 * sampled token can flip where two are nearly equally likely). A backend file that cannot be loaded is one clear
 * error naming it and ggml's reason.
 */
class RuntimeParityTest {
    static final double TOLERANCE = 1e-4;

    /** Two tokens whose logits are this close (in nats: probabilities within about 10 %) are a tie rounding may flip. */
    static final double NEAR_TIE = 0.1;

    @TempDir
    static Path dir;

    /** What the library under test computes, per model: the same for every variant it is compared with. */
    private static final Map<Path, RuntimeProbe.Result> EXPECTED = new ConcurrentHashMap<>();

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("best CPU variant", Map.of()),
                Arguments.of("oldest CPU variant", Map.of("JPEGLM_BACKENDS", "libggml-cpu-x64.so")),
                Arguments.of("sse42 CPU variant", Map.of("JPEGLM_BACKENDS", "libggml-cpu-sse42.so")));
    }

    static Path bundledModel() {
        return PrebuiltRuntimes.root().resolve("models/fashion-mnist-32.gguf");
    }

    @ParameterizedTest(name = "tiny GQA model, {0}")
    @MethodSource("variants")
    void tinyGqaModelMatches(String variant, Map<String, String> env) throws Exception {
        compare(PrebuiltRuntimes.library("linux-x64"), TinyModels.gqaUntied().path(), false, variant, env, dir);
    }

    /**
     * Runs the probe on library (in a child JVM, env added, files in dir) and checks it against the library under
     * test; prints the share of identical sampled sequences and images.
     */
    static void compare(Path library, Path model, boolean images, String variant, Map<String, String> env, Path dir)
            throws Exception {
        RuntimeProbe.Result expected = EXPECTED.computeIfAbsent(model, m -> RuntimeProbe.run(m, 0, images));
        Run run = PrebuiltRuntimes.probe(library, env, model, 0, images, dir);
        RuntimeProbe.Result got = run.result();
        if (env.containsKey("JPEGLM_BACKENDS")) {
            assertTrue(
                    run.log().contains("from " + library.getParent() + "/" + env.get("JPEGLM_BACKENDS")),
                    "the forced variant was loaded:\n" + run.log());
        }
        assertTrue(
                expected.devices().contains("CPU") && got.devices().contains("CPU"),
                got.devices().toString());
        String what = model.getFileName() + ", " + variant;
        for (int i = 0; i < expected.logits().length; i++) {
            assertLogitsClose(expected.logits()[i], got.logits()[i], TOLERANCE, what + ", logits " + i);
        }
        assertGreedyAgrees(model, expected.greedy(), got.greedy(), what);
        report(what, expected, got);
    }

    /**
     * Greedy tokens agree up to their first difference, if any, and that one is a near tie for the library under
     * test: the two tokens' logits within {@link #NEAR_TIE} of each other (their probabilities within about 10 %).
     * Two builds' greedy runs may part there and only there: Q8_0 weights quantize each product's input, so a
     * rounding that differs between SIMD variants moves a logit by a quantum, and the bundled model's greedy runs
     * part at gaps of 0.031 and 0.035 (the oldest and sse42 variants) while the logits checked above agree within
     * 1e-4 of their scale. A wrong kernel or cache would part them at a clear winner. After the first difference the
     * runs continue from different tokens, so nothing after it is compared.
     */
    static void assertGreedyAgrees(Path model, int[] expected, int[] got, String what) {
        int k = Arrays.mismatch(expected, got);
        if (k < 0) {
            return;
        }
        assertTrue(k < expected.length && k < got.length, what + ": greedy runs of different lengths");
        float[] logits = RuntimeProbe.logitsAfterGreedy(model, expected, k);
        double gap = Math.abs((double) logits[expected[k]] - logits[got[k]]);
        assertTrue(
                gap <= NEAR_TIE,
                "%s: greedy tokens part at %d (%d, expected %d) where their logits are %.3g apart, not a near tie (%.2g)"
                        .formatted(what, k, got[k], expected[k], gap, NEAR_TIE));
        System.out.printf(
                "runtime parity, %s: greedy tokens identical to %d, then part at a near tie (logits %.3g apart)%n",
                what, k, gap);
    }

    /** Prints how many sampled sequences and images are identical: measured, not asserted. */
    static void report(String what, RuntimeProbe.Result expected, RuntimeProbe.Result got) {
        long sequences = RuntimeProbe.countEqual(expected.sampled(), got.sampled());
        long images = RuntimeProbe.countEqual(expected.images(), got.images());
        System.out.printf(
                "runtime parity, %s: %d/%d sampled sequences identical, %d/%d images byte-identical%n",
                what, sequences, expected.sampled().length, images, expected.images().length);
    }

    @Test
    void aBackendThatCannotBeLoadedIsOneClearError() throws Exception {
        Path library = PrebuiltRuntimes.library("linux-x64");
        PrebuiltRuntimes.Exit exit = PrebuiltRuntimes.child(
                library,
                Map.of("JPEGLM_BACKENDS", "libggml-cpu-x64.so,libggml-nonexistent.so"),
                List.of(bundledModel().toString(), "0", dir.resolve("none.bin").toString()),
                dir);
        assertNotEquals(0, exit.code(), exit.log());
        assertTrue(
                exit.log()
                        .contains("JpeglmException: JPEGLM_BACKENDS: cannot load " + library.getParent()
                                + "/libggml-nonexistent.so"),
                exit.log());
        assertTrue(exit.log().contains("No such file"), "ggml's reason is in the message:\n" + exit.log());
    }
}
