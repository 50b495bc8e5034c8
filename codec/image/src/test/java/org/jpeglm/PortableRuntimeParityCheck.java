package org.jpeglm;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The portable runtime (llama.cpp built here the way its releases are: every CPU variant a library of its own)
 * computes what the library under test computes, as {@link RuntimeParityTest} checks for the prebuilt one: the
 * variant ggml picks, the oldest (x64, SSE2) and sse42; logits within 1e-4 relative, greedy tokens identical.
 * Not in the default run (its name matches no test pattern): building build/native-portable compiles ggml's CPU
 * code once per variant, ≈ 15 minutes on 2 cores (docs/runtime.md). Run it with
 * {@code mvn verify -pl jpeglm -Dtest=PortableRuntimeParityCheck -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class PortableRuntimeParityCheck {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "bundled model, {0}")
    @MethodSource("org.jpeglm.RuntimeParityTest#variants")
    void bundledModelMatches(String variant, Map<String, String> env) throws Exception {
        RuntimeParityTest.compare(
                PrebuiltRuntimes.portable(), RuntimeParityTest.bundledModel(), true, variant, env, dir);
    }

    @ParameterizedTest(name = "tiny GQA model, {0}")
    @MethodSource("org.jpeglm.RuntimeParityTest#variants")
    void tinyGqaModelMatches(String variant, Map<String, String> env) throws Exception {
        RuntimeParityTest.compare(
                PrebuiltRuntimes.portable(), TinyModels.gqaUntied().path(), false, variant, env, dir);
    }
}
