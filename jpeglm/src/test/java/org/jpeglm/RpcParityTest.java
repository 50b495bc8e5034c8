package org.jpeglm;

import static org.jpeglm.testing.LogitsAssert.assertLogitsClose;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.jpeglm.testing.RpcServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model split between this process's CPU and two rpc-servers on loopback (llama.cpp's --rpc, through jpeglm's
 * relays) computes what the CPU computes alone: logits within 1e-4 relative, greedy tokens identical, on a tiny random
 * GQA model with F32 weights (the bundled model, whose images are clean too: codec/image's BundledModelRpcParityTest). The load's log shows weights on the CPU and
 * on both servers; the servers' devices are listed as RPC devices naming them.
 */
class RpcParityTest {
    static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;

    static RpcServerProcess first;
    static RpcServerProcess second;

    @BeforeAll
    static void startServers() {
        startServers(dir);
    }

    /** Starts the two rpc-servers, their logs in dir (codec/image's BundledModelRpcParityTest shares them). */
    static void startServers(Path dir) {
        first = RpcServerProcess.start(dir.resolve("rpc-first.log"));
        second = RpcServerProcess.start(dir.resolve("rpc-second.log"));
    }

    @AfterAll
    static void stopServers() {
        for (RpcServerProcess s : new RpcServerProcess[] {first, second}) {
            if (s != null) {
                s.close();
            }
        }
    }

    /** gpuLayers offloaded to the two servers, the first ones on the CPU; as in RuntimeProbe, exact settings. */
    static ModelOptions split(int gpuLayers) {
        return ModelOptions.builder()
                .gpuLayers(gpuLayers)
                .rpcServers(first.endpoint(), second.endpoint())
                .build();
    }

    @Test
    void tinyGqaModelMatchesTheCpu() {
        // 3 layers (6 query heads, 2 KV heads) and the output layer: layer 0 on the CPU, the others remote.
        compare(TinyModels.gqaUntied().path(), 3, false);
    }

    @Test
    void theServersDevicesAreListedNamingThem() {
        try (Model m = Model.load(TinyModels.gqaUntied().path(), split(-1))) {
            assertTrue(m.vocabSize() > 0);
        }
        for (RpcServerProcess server : List.of(first, second)) {
            Device device = Jpeglm.devices().stream()
                    .filter(d -> d.description().equals("rpc-server " + server.endpoint()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(server.endpoint() + " is not in " + Jpeglm.devices()));
            assertEquals(Device.Type.RPC, device.type(), device.toString());
            assertTrue(device.name().startsWith("RPC"), device.toString());
            assertTrue(device.memoryTotal() > 0, "the server's memory as it reported it: " + device);
        }
        assertFalse(Jpeglm.gpuOffloadSupported(), "rpc servers are not a local GPU: " + Jpeglm.devices());
    }

    static void compare(Path model, int gpuLayers, boolean images) {
        RuntimeProbe.Result expected = RuntimeProbe.run(model, 0, images);
        List<String> log = new CopyOnWriteArrayList<>();
        RuntimeProbe.Result got = logged(log, () -> RuntimeProbe.run(model, split(gpuLayers), images));
        String what = model.getFileName() + " on the CPU and two rpc-servers";
        for (int i = 0; i < expected.logits().length; i++) {
            assertLogitsClose(expected.logits()[i], got.logits()[i], TOLERANCE, what + ", logits " + i);
        }
        RuntimeParityTest.assertGreedyAgrees(model, expected.greedy(), got.greedy(), what);
        for (int i = 0; i < got.images().length; i++) {
            byte[] image = got.images()[i];
            assertEquals(1, image[image.length - 1], what + ": image " + i + " is clean");
        }
        RuntimeParityTest.report(what, expected, got);
        for (RpcServerProcess server : List.of(first, second)) {
            assertTrue(
                    log.stream()
                            .anyMatch(l -> l.contains("offloading") && l.contains("rpc-server " + server.endpoint())),
                    "the offload names " + server.endpoint() + ":\n" + String.join("\n", log));
        }
        // llama.cpp names each weight buffer by its buffer type: the CPU's, and per server "RPC0[ENDPOINT]" (its
        // device 0, at the endpoint of jpeglm's relay to it).
        long serversHoldingWeights = log.stream()
                .filter(l -> l.matches("(?s).*RPC\\d+\\[.*\\] model buffer size.*"))
                .map(l -> l.replaceAll("(?s).*(RPC\\d+\\[[^]]*\\]).*", "$1"))
                .distinct()
                .count();
        assertEquals(2, serversHoldingWeights, "both servers hold weights:\n" + String.join("\n", log));
        assertTrue(
                log.stream().anyMatch(l -> l.matches("(?s).*CPU.* model buffer size.*")),
                "the CPU holds weights:\n" + String.join("\n", log));
    }

    /** Runs body with the native log at INFO collected into log. */
    static <T> T logged(List<String> log, Supplier<T> body) {
        Jpeglm.setLogHandler((level, message) -> log.add(message));
        Jpeglm.setLogLevel(Jpeglm.LogLevel.INFO);
        try {
            return body.get();
        } finally {
            Jpeglm.setLogLevel(Jpeglm.LogLevel.WARN);
            Jpeglm.setLogHandler(
                    (level, message) -> System.getLogger("org.jpeglm.native").log(level.systemLevel(), message));
        }
    }
}
