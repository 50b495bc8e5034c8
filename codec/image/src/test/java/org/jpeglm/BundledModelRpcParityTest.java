package org.jpeglm;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jpeglm's RpcParityTest on the bundled model, whose workload includes its 8 images and so needs the JPEG codec (this
 * module): split between the CPU and two rpc-servers it computes what the CPU computes alone, and its images are clean.
 */
class BundledModelRpcParityTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void startServers() {
        RpcParityTest.startServers(dir);
    }

    @AfterAll
    static void stopServers() {
        RpcParityTest.stopServers();
    }

    @Test
    void bundledModelMatchesTheCpu() {
        // 4 layers and the output layer: layer 0 on the CPU, the others split between the servers by free memory.
        RpcParityTest.compare(RuntimeParityTest.bundledModel(), 4, true);
    }
}
