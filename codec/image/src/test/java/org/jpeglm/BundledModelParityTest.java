package org.jpeglm;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jpeglm's RuntimeParityTest on the bundled model, whose workload includes its 8 images and so needs the JPEG codec
 * (this module): libjpeglm built on node-llama-cpp's prebuilt llama.cpp computes what the library under test computes,
 * per CPU variant. Runs on the class path with jpeglm's test-jar (RuntimeProbe, PrebuiltRuntimes).
 */
class BundledModelParityTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "bundled model, {0}")
    @MethodSource("org.jpeglm.RuntimeParityTest#variants")
    void bundledModelMatches(String variant, Map<String, String> env) throws Exception {
        RuntimeParityTest.compare(
                PrebuiltRuntimes.library("linux-x64"), RuntimeParityTest.bundledModel(), true, variant, env, dir);
    }
}
