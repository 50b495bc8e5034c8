package org.jpeglm;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** rpc-server endpoints as llama.cpp's --rpc writes them, and what ModelOptions accepts of them: no native code. */
class RpcServerTest {
    @ParameterizedTest
    @CsvSource({
        "127.0.0.1:50052, 127.0.0.1, 50052",
        "node-7.example.org:1, node-7.example.org, 1",
        "localhost:65535, localhost, 65535",
        "'[::1]:50052', ::1, 50052",
        "'[fe80::1:2]:8', fe80::1:2, 8"
    })
    void endpointsAreRead(String endpoint, String host, int port) {
        RpcServer server = RpcServer.parse(endpoint);
        assertEquals(new RpcServer(host, port), server);
        assertEquals(endpoint, server.toString(), "toString reads back");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "localhost | is not HOST:PORT",
                ":50052 | is not HOST:PORT",
                "host: | is not HOST:PORT",
                "host:0 | the port must be 1 to 65535",
                "host:65536 | the port must be 1 to 65535",
                "host:99999999999 | the port must be 1 to 65535",
                "host:-1 | the port must be 1 to 65535",
                "host:50O52 | the port must be 1 to 65535",
                "::1:50052 | write an IPv6 address in brackets",
                "bad_host:1 | is not a host name or IP address",
                "a b:1 | is not a host name or IP address",
                "-host:1 | is not a host name or IP address",
                "[]:1 | is not a host name or IP address"
            })
    void badEndpointsAreRefusedNamingTheProblem(String endpoint, String problem) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RpcServer.parse(endpoint));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertTrue(e.getMessage().contains("'" + endpoint + "'"), "names the endpoint: " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void theRecordRefusesPortsOutOfRange(int port) {
        assertThrows(IllegalArgumentException.class, () -> new RpcServer("host", port));
    }

    @Test
    void modelOptionsTakeUpToSixteenDistinctServersWithLayersForThem() {
        List<RpcServer> sixteen = IntStream.rangeClosed(1, RpcServer.MAX_SERVERS)
                .mapToObj(i -> new RpcServer("10.0.0." + i, 50052))
                .toList();
        ModelOptions ok =
                ModelOptions.builder().allLayersOnGpu().rpcServers(sixteen).build();
        assertEquals(sixteen, ok.rpcServers());
        assertEquals(ModelOptions.DEFAULT_RPC_TIMEOUT, ok.rpcTimeout());

        List<RpcServer> seventeen = IntStream.rangeClosed(1, RpcServer.MAX_SERVERS + 1)
                .mapToObj(i -> new RpcServer("10.0.0." + i, 50052))
                .toList();
        assertRefused("at most 16", ModelOptions.builder().allLayersOnGpu().rpcServers(seventeen));
        assertRefused("named twice", ModelOptions.builder().allLayersOnGpu().rpcServers("a:1", "b:2", "a:1"));
        assertRefused("gpuLayers 0", ModelOptions.builder().rpcServers("a:1"));
        assertRefused(
                "rpcTimeout",
                ModelOptions.builder().allLayersOnGpu().rpcServers("a:1").rpcTimeout(Duration.ZERO));
        assertRefused(
                "rpcTimeout",
                ModelOptions.builder().allLayersOnGpu().rpcServers("a:1").rpcTimeout(Duration.ofHours(1)));
        assertThrows(
                IllegalArgumentException.class, () -> ModelOptions.builder().rpcServers("no-port"));
    }

    @Test
    void defaultsUseNoServer() {
        assertEquals(List.of(), ModelOptions.defaults().rpcServers());
    }

    private static void assertRefused(String problem, ModelOptions.Builder builder) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
